#include "actors/vendors/ollama/ollama_registry.hpp"
#include "messages/errc.hpp"

#include <gtest/gtest.h>

using namespace hive;
using namespace hive::ollama;

TEST(OllamaRegistryTest, ReadsABearerChallengeWhoseScopeHoldsCommas) {
  auto c =
      parse_challenge(R"(Bearer realm="https://auth.example/token",service="registry.example",)"
                      R"(scope="repository:library/tiny:pull,push")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->realm, "https://auth.example/token");
  EXPECT_EQ(c->service, "registry.example");
  EXPECT_EQ(c->scope, "repository:library/tiny:pull,push");
  EXPECT_FALSE(parse_challenge(R"(Basic realm="x")"));
  EXPECT_FALSE(parse_challenge(R"(Bearer service="no realm")"));
  EXPECT_FALSE(parse_challenge(R"(Bearer realm="unterminated)"));
}

TEST(OllamaRegistryTest, NamesLayersByTheirRole) {
  EXPECT_EQ(role_of("application/vnd.ollama.image.model"), "model");
  EXPECT_EQ(role_of("application/vnd.ollama.image.projector"), "projector");
  EXPECT_EQ(role_of("application/vnd.oci.image.layer.v1.tar+gzip"), "tar");
}

TEST(OllamaRegistryTest, RefusesManifestsItCannotTrust) {
  const std::string hex(64, 'a');
  auto blob = [&](const std::string& digest) {
    return R"({"mediaType":"application/vnd.ollama.image.model","digest":")" + digest
           + R"(","size":3})";
  };
  auto good = R"({"schemaVersion":2,"config":)" + blob("sha256:" + hex) + R"(,"layers":[)"
              + blob("sha256:" + hex) + "]}";
  auto parsed = parse_manifest(good, "m");
  ASSERT_TRUE(parsed) << to_string(parsed.error());
  ASSERT_EQ(parsed->blobs.size(), 2u);
  EXPECT_EQ(parsed->blobs[0].role, "config");
  EXPECT_EQ(parsed->blobs[1].role, "model");
  EXPECT_EQ(parsed->blobs[1].sha256, hex);
  EXPECT_EQ(parsed->raw, good);
  for (const auto& bad :
       {std::string{"not json"}, std::string{R"({"schemaVersion":1})"},
        R"({"schemaVersion":2,"config":)" + blob("sha256:" + hex) + R"(,"layers":[)"
            + blob("sha256:../../etc") + "]}",
        R"({"schemaVersion":2,"config":)" + blob("md5:" + hex) + R"(,"layers":[]})"}) {
    auto refused = parse_manifest(bad, "m");
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(describe(refused.error()).message.find("not an Ollama model manifest"),
              std::string::npos);
  }
}
