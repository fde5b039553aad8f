#pragma once

// The project's one type-ID block: every message type and atom lives here and
// is registered once with `cfg.add_message_types<caf::id_block::hive>()`.

#include "messages/blob_messages.hpp"
#include "messages/catalog_messages.hpp"
#include "messages/cluster_job_messages.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/job_messages.hpp"
#include "messages/registry_messages.hpp"
#include "messages/transfer_messages.hpp"

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include <vector>

CAF_BEGIN_TYPE_ID_BLOCK(hive, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(hive, (hive::download_spec))
CAF_ADD_TYPE_ID(hive, (hive::job_phase))
CAF_ADD_TYPE_ID(hive, (hive::job_outcome))
CAF_ADD_TYPE_ID(hive, (hive::job_state))
CAF_ADD_TYPE_ID(hive, (hive::progress_update))
CAF_ADD_TYPE_ID(hive, (hive::narration_note))
CAF_ADD_TYPE_ID(hive, (hive::file_fetched))
CAF_ADD_TYPE_ID(hive, (hive::transfer_result))
CAF_ADD_TYPE_ID(hive, (hive::progress_report))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::file_fetched>))
CAF_ADD_TYPE_ID(hive, (hive::model_record))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::model_record>))
CAF_ADD_TYPE_ID(hive, (hive::actor_info))
CAF_ADD_TYPE_ID(hive, (hive::actor_row))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::actor_row>))
CAF_ADD_TYPE_ID(hive, (hive::file_task))
CAF_ADD_TYPE_ID(hive, (hive::job_files))
CAF_ADD_TYPE_ID(hive, (hive::blob_source))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::blob_source>))
CAF_ADD_TYPE_ID(hive, (hive::hive_status))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::hive_status>))
CAF_ADD_TYPE_ID(hive, (hive::hive_report))
CAF_ADD_TYPE_ID(hive, (hive::blob_presence))
CAF_ADD_TYPE_ID(hive, (hive::relayed_event))
CAF_ADD_TYPE_ID(hive, (std::vector<hive::relayed_event>))
CAF_ADD_TYPE_ID(hive, (hive::relayed_batch))
CAF_ADD_TYPE_ID(hive, (hive::cluster_actor_rows))

CAF_ADD_ATOM(hive, hive, start_atom, "start")
CAF_ADD_ATOM(hive, hive, cancel_atom, "cancel")
CAF_ADD_ATOM(hive, hive, finish_atom, "finish")
CAF_ADD_ATOM(hive, hive, heartbeat_atom, "heartbeat")
CAF_ADD_ATOM(hive, hive, list_atom, "list")
CAF_ADD_ATOM(hive, hive, register_atom, "register")
CAF_ADD_ATOM(hive, hive, model_op_atom, "model_op")
CAF_ADD_ATOM(hive, hive, max_rate_atom, "max_rate")
CAF_ADD_ATOM(hive, hive, join_atom, "join")
CAF_ADD_ATOM(hive, hive, status_atom, "status")
CAF_ADD_ATOM(hive, hive, lookup_atom, "lookup")
CAF_ADD_ATOM(hive, hive, dial_atom, "dial")
CAF_ADD_ATOM(hive, hive, forward_atom, "forward")
CAF_ADD_ATOM(hive, hive, wake_atom, "wake")
CAF_ADD_ATOM(hive, hive, models_atom, "models")
CAF_ADD_ATOM(hive, hive, actors_atom, "actors")
CAF_ADD_ATOM(hive, hive, blob_atom, "blob")
CAF_ADD_ATOM(hive, hive, mirrors_atom, "mirrors")

CAF_END_TYPE_ID_BLOCK(hive)
