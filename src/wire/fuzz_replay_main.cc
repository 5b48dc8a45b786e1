// Replay driver for fuzz targets when libFuzzer is not available (non-clang builds):
//   frame_decoder_fuzz FILE...         runs each file once;
//   frame_decoder_fuzz --random N SEED runs N pseudo-random inputs (mostly near-valid frames).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/rng.h"
#include "wire/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> RandomInput(lashup::Rng& rng) {
  // Start from a valid frame and corrupt it, so the decoder gets past its first checks.
  lashup::TestData data{"fuzz", std::vector<uint8_t>(rng.Uniform(64), 0xab),
                        {lashup::NodeId::FromLiteral("n1")}};
  std::vector<uint8_t> bytes = {static_cast<uint8_t>(rng.Uniform(16))};
  auto frame = lashup::wire::EncodeFrame(lashup::NodeId::FromLiteral("fuzzer"), data);
  bytes.insert(bytes.end(), frame->begin(), frame->end());
  const uint64_t flips = rng.Uniform(8);
  for (uint64_t i = 0; i < flips; ++i) {
    bytes[1 + rng.Uniform(bytes.size() - 1)] = static_cast<uint8_t>(rng.Next());
  }
  bytes.resize(1 + rng.Uniform(bytes.size()));
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--random") == 0) {
    const long n = std::atol(argv[2]);
    lashup::Rng rng(std::strtoull(argv[3], nullptr, 10));
    for (long i = 0; i < n; ++i) {
      std::vector<uint8_t> input = RandomInput(rng);
      LLVMFuzzerTestOneInput(input.data(), input.size());
    }
    std::printf("ran %ld random inputs\n", n);
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("ran %d inputs\n", argc - 1);
  return 0;
}
