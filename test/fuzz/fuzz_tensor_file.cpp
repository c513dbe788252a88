// Fuzz target: {name: tensor} files (.pt), as gear files and built-in model
// weights are read (load_tensor_dict: zip archive, pickle, tensor layouts).
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <random>

#include "fuzz_support.h"
#include "gearnn/model/tensor_dict.h"
#ifdef GEARNN_LIBFUZZER
#include "memory_reader.h"  // src/model: the bounds-checked reader load_tensor_dict uses
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gearnn;
  const std::string path = fuzz::scratch_dir() + "/gear.pt";
  fuzz::write_file(path, data, size);
  fuzz::load_or_reject(path, [&] {
    for (const auto& [name, t] : load_tensor_dict(path)) (void)shape_text(t);
  });
  return 0;
}

#ifdef GEARNN_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

// Random bytes never get past the archive's CRCs to the pickle. So three
// mutations in four unpack the archive, mutate one record (the pickle two
// times in three, else a tensor's data) and pack it again with valid CRCs and
// directory; the fourth mutates the file's bytes as they are.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  std::minstd_rand rng(seed);
  if (rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  std::vector<std::pair<std::string, std::string>> records;
  size_t pickle = 0;
  try {
    caffe2::serialize::PyTorchStreamReader reader(
        std::make_unique<gearnn::MemoryReader>(data, size));
    for (const std::string& name : reader.getAllRecords()) {
      if (name == "version" || name == ".data/version") continue;  // the writer adds its own
      auto [bytes, n] = reader.getRecord(name);
      if (name == "data.pkl") pickle = records.size();
      records.emplace_back(name, std::string(static_cast<const char*>(bytes.get()), n));
    }
  } catch (const std::exception&) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  if (records.empty()) return LLVMFuzzerMutate(data, size, max_size);
  std::string& bytes = records[rng() % 3 != 0 ? pickle : rng() % records.size()].second;
  const size_t used = bytes.size();
  bytes.resize(used + 64);
  bytes.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(bytes.data()), used, bytes.size()));
  std::string packed;
  try {
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* p, size_t n) {
      packed.append(static_cast<const char*>(p), n);
      return n;
    });
    for (const auto& [name, b] : records) writer.writeRecord(name, b.data(), b.size());
    writer.writeEndOfFile();
  } catch (const std::exception&) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  if (packed.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, packed.data(), packed.size());
  return packed.size();
}
#endif
