// Xet hashing (issue 13): BLAKE3 as we build it, the spec's string form of a
// hash, and the merkle roots that name xorbs and files.

#include "net/xet/xet_hash.hpp"

#include <blake3.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace hive::net::xet;

namespace {

std::string hex(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

xet_hash h(std::string_view text) {
  auto parsed = parse_xet_hash(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(xet_hash{});
}

// The leaves of xet-core's reference table (aggregated_hashes.rs,
// test_correctness): leaf i has size 100 * i.
const std::vector<chunk_ref>& leaves() {
  static const std::vector<chunk_ref> all{
      {h("0000000000000000000000000000000000000000000000000000000000000000"), 0},
      {h("cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6"), 100},
      {h("c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72"), 200},
      {h("0d2beb91b9196929a5ddec9f6e306924ddf4a24268e3e59fd8464738d525af37"), 300},
      {h("adf8773496a9b7319b2e50dc98093f344053b17d8ad37100b9c07d9805988784"), 400},
      {h("4ac202caf347fc1e9c874b1ef6a1c5e619141eb775a6f43f0f0124ccd0060d9e"), 500},
      {h("b3b28636f65c149ea52eb1f94669466f70f033b54cea792824c696ba6ef3c389"), 600},
      {h("0e2c1a002aae913d2c0fc8ddfa4e9e14b7b311b3b0d458726d5d9f6a6318013c"), 700},
  };
  return all;
}

std::vector<chunk_ref> pick(std::initializer_list<int> indices) {
  std::vector<chunk_ref> out;
  for (auto i : indices)
    out.push_back(leaves()[static_cast<std::size_t>(i)]);
  return out;
}

} // namespace

// BLAKE3's official vectors (BLAKE3-team/BLAKE3 test_vectors/test_vectors.json,
// first 32 bytes of keyed_hash): input byte i is i % 251. The lengths cross the
// 1 KiB chunk and the SIMD batch sizes, so every variant the dispatcher may
// pick on this CPU is exercised.
TEST(XetHashTest, Blake3KeyedHashMatchesTheOfficialVectors) {
  struct vector {
    std::size_t length;
    const char* keyed_hash;
  };
  const vector vectors[] = {
      {0, "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26"},
      {1, "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b"},
      {1023, "c951ecdf03288d0fcc96ee3413563d8a6d3589547f2c2fb36d9786470f1b9d6e"},
      {1024, "75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4"},
      {1025, "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69"},
      {3073, "68dede9bef00ba89e43f31a6825f4cf433389fedae75c04ee9f0cf16a427c95a"},
      {8193, "954a2a75420c8d6547e3ba5b98d963e6fa6491addc8c023189cc519821b4a1f5"},
      {31744, "efa53b389ab67c593dba624d898d0f7353ab99e4ac9d42302ee64cbf9939a419"},
      {102400, "1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7"},
  };
  const std::string key = "whats the Elvish word for friend";
  ASSERT_EQ(key.size(), BLAKE3_KEY_LEN);
  for (const auto& v : vectors) {
    std::vector<std::uint8_t> input(v.length);
    for (std::size_t i = 0; i < input.size(); ++i)
      input[i] = static_cast<std::uint8_t>(i % 251);
    blake3_hasher hasher;
    blake3_hasher_init_keyed(&hasher, reinterpret_cast<const std::uint8_t*>(key.data()));
    blake3_hasher_update(&hasher, input.data(), input.size());
    std::uint8_t out[32];
    blake3_hasher_finalize(&hasher, out, sizeof out);
    EXPECT_EQ(hex(out, sizeof out), v.keyed_hash) << "input_len " << v.length;
  }
}

// The spec's "Converting Hashes to Strings" example: bytes 0..31 print as each
// 8-byte quarter reversed.
TEST(XetHashTest, StringFormReversesEachQuarter) {
  xet_hash hash;
  for (std::size_t i = 0; i < hash.bytes.size(); ++i)
    hash.bytes[i] = static_cast<std::uint8_t>(i);
  const std::string text = "07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918";
  EXPECT_EQ(to_string(hash), text);
  EXPECT_EQ(parse_xet_hash(text), hash);
}

TEST(XetHashTest, ParseAcceptsUpperCaseAndRoundTrips) {
  auto lower = std::string("63bed80836ee0758c8fd4f8975d59bb0b864263ee2753547c358e8a37cde8758");
  auto upper = std::string("63BED80836EE0758C8FD4F8975D59BB0B864263EE2753547C358E8A37CDE8758");
  auto parsed = parse_xet_hash(upper);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parse_xet_hash(lower), parsed);
  EXPECT_EQ(to_string(*parsed), lower);
}

TEST(XetHashTest, ParseRejectsAnythingButSixtyFourHexDigits) {
  EXPECT_FALSE(parse_xet_hash(""));
  EXPECT_FALSE(parse_xet_hash(std::string(63, 'a')));
  EXPECT_FALSE(parse_xet_hash(std::string(65, 'a')));
  // The Hub's redacted hash.
  EXPECT_FALSE(parse_xet_hash(std::string(64, '*')));
  EXPECT_FALSE(parse_xet_hash(std::string(63, '0') + "g"));
  EXPECT_FALSE(parse_xet_hash(" " + std::string(63, '0')));
}

// The spec's data key: a chunk hash is not a plain BLAKE3 hash (whose value
// for no input is af1349b9...) nor the hash of another chunk.
TEST(XetHashTest, ChunkHashIsKeyedAndDependsOnEveryByte) {
  std::vector<std::uint8_t> data(5000, 7);
  auto a = chunk_hash(data);
  EXPECT_NE(hex(chunk_hash({}).bytes.data(), 32),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  data.back() = 8;
  EXPECT_NE(chunk_hash(data), a);
  EXPECT_NE(internal_node_hash(""), xet_hash(chunk_hash({})));
}

TEST(XetHashTest, EmptyXorbAndEmptyFileAreZero) {
  EXPECT_EQ(to_string(xorb_hash({})), std::string(64, '0'));
  EXPECT_EQ(to_string(file_hash({})), std::string(64, '0'));
}

// Rows of xet-core's test_correctness (zero salt): the xorb hash and the file
// hash of a list of leaves.
TEST(XetHashTest, MerkleRootsMatchXetCoreReferenceRows) {
  struct row {
    std::vector<chunk_ref> leaves;
    const char* xorb;
    const char* file;
  };
  std::vector<chunk_ref> sixty_four;
  for (int i = 0; i < 64; ++i)
    sixty_four.push_back(leaves()[static_cast<std::size_t>(i % 8)]);
  const row rows[] = {
      {pick({0}), "0000000000000000000000000000000000000000000000000000000000000000",
       "638a6bc391964a85939d48f008e8bdbae6a7975e7ca2d87a3ce2492f4e4d8a4c"},
      {pick({1}), "cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6",
       "8e16257caa3fe079d484d872a8975264b2ff683b0d6db9028cc7c0f968a45661"},
      {pick({1, 2, 3}), "71ec1275fca074724e2dd666921b3277c7cee603e4d025bcab2d4050015be2bc",
       "54e55dccc6653c612bdb5576c5d3cb34bb31bc4e100248abccf4c908b3ef7715"},
      {pick({1, 1, 1, 1}), "89f2ada89ff8c96763c6b25010e6dd76a4c05b1466207633ea559acf2093211b",
       "2cdba690d0e09563596e0cda626d43eb4c96ef1e994fe72d9b2f5a83cfcd36dd"},
      {pick({1, 2, 1, 2, 3, 4}), "52c826f99507aa05d0b45e9837fa1709e0485425cfbcb1e80db3905cf98b3ee9",
       "91d21684db364c8883ab8209fa5eb2e781cf07f37e1fa43e731c30839afe422f"},
      {pick({0, 1, 0, 1}), "e1755c85be07fd6b7a8d7becc85e6d8c5f507f2a3d38b316bcb6f97855e72188",
       "207caf24fce045ac6d873b4c6186a5a435d600d103e1ae345e55ddf1f4b7f7ef"},
      {pick({1, 0}), "e8660f81494ca836a58e395c1395ef97870ed71e2b113eec1fab6b3361f46dd6",
       "274d92f7e2acebaa2b8d63c0b5e7a4fc15814a606e3e3825d55609e671bcc5d9"},
      {pick({3, 4, 5, 3}), "73b9dc802ab03a0855c66823a18d95c2a785af594535756abf405038b6270cb8",
       "c7d5be75ef5ec12888027ad305141e4109e599494477661177475c84e12de48b"},
      {pick({3, 4, 5, 5, 5}), "2c1fd1eca47e284512fcb40fcf45a1874939f9b91c774d46aeba5d004d9d263d",
       "0799ba7ee2c3fed173a8e8d832cd13970ddc16070ffbc8aa6dcd77476f66dc73"},
      {pick({0, 1, 2, 3, 4, 5, 6, 7}),
       "f62abe77e3fb9c954fe52b0028027ddc90c064c45951a4fd2211d87e5c0011db",
       "d1b068be5bbdb38992269e8efe61f601881e39f7a7585fd76883cc6ea5c23b44"},
      // Several levels of internal nodes.
      {sixty_four, "6554007c9b5d0a5e7918f79596a1b68815c1407535585435f5735db761f21b88",
       "a8640ab81d48854e00078e12b1ea8be5d90be0ffb5f73a15b7009981d093ddd8"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(to_string(xorb_hash(r.leaves)), r.xorb) << r.leaves.size() << " leaves";
    EXPECT_EQ(to_string(file_hash(r.leaves)), r.file) << r.leaves.size() << " leaves";
  }
}

// A node's text is "<child> : <size>\n" per child: two leaves make one node.
TEST(XetHashTest, TwoLeavesMakeOneNodeOverTheirText) {
  auto two = pick({1, 2});
  auto text = to_string(two[0].hash) + " : 100\n" + to_string(two[1].hash) + " : 200\n";
  EXPECT_EQ(xorb_hash(two), internal_node_hash(text));
}

// No node takes more than 9 children: 10 leaves whose hashes never end a group
// early (none is 0 mod 4) make a node of 9 and a node of 1, then the root.
TEST(XetHashTest, ANodeTakesAtMostNineChildren) {
  xet_hash odd;
  odd.bytes[24] = 1;
  std::vector<chunk_ref> ten(10, chunk_ref{odd, 1});
  std::string nine_text;
  for (int i = 0; i < 9; ++i)
    nine_text += to_string(odd) + " : 1\n";
  auto nine = internal_node_hash(nine_text);
  auto one = internal_node_hash(to_string(odd) + " : 1\n");
  auto root = internal_node_hash(to_string(nine) + " : 9\n" + to_string(one) + " : 1\n");
  EXPECT_EQ(xorb_hash(ten), root);
}
