#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hive::net {

/// An absolute http(s) URL, split the way a client needs it.
struct url {
  std::string scheme;
  std::string host;
  std::string port;
  /// Path and query, always starting with '/'.
  std::string target;

  bool tls() const {
    return scheme == "https";
  }
  /// `host[:port]`, as sent in the Host header (port omitted when default);
  /// IPv6 literals in brackets.
  std::string authority() const;
  /// `host:port`, always with the port (a CONNECT target).
  std::string host_port() const;
  std::string str() const;
  /// `str()` without the query: what narration, errors and logs show. A
  /// signed CDN URL carries its credentials there (`X-Amz-Signature=...`).
  std::string shown() const;
};

/// `text` without its query and fragment, for the same reason as `url::shown`.
std::string shown_url(std::string_view text);

/// Parses `http://host[:port]/path?query`; nullopt for anything else
/// (other schemes, user info, empty host, bad port, spaces or control bytes).
/// Bytes RFC 3986 allows nowhere (non-ASCII, `|`, `^`, ...) are
/// percent-encoded first, as curl does: `target` is the wire form.
std::optional<url> parse_url(std::string_view text);

/// Resolves a redirect's `Location` (absolute, scheme-relative, absolute-path
/// or relative) against the URL that answered it, as RFC 3986 section 5 does
/// (dot segments removed); stray bytes are encoded as by `parse_url`.
std::optional<url> resolve_location(const url& base, std::string_view location);

/// Percent-encodes everything but unreserved characters (and `/` when
/// `keep_slash`), as Python's `urllib.parse.quote` does.
std::string percent_encode(std::string_view text, bool keep_slash);

/// The last path segment of the target, without query, percent-decoded.
std::string file_name_of(const url& u);

} // namespace hive::net
