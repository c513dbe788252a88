#include "gearnn/model/tensor_dict.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/storage_context.h>

#include <fstream>
#include <sstream>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "memory_reader.h"
#include "pickle_check.h"

namespace gearnn {

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

void check_tensor_layout(const torch::Tensor& t, const std::string& path, const std::string& name) {
  auto bad = [&](const std::string& problem) { fail(path, "tensor '" + name + "' " + problem); };
  if (!t.defined() || t.layout() != torch::kStrided || !t.device().is_cpu() || t.is_quantized())
    bad("is not a plain CPU tensor");
  switch (t.scalar_type()) {
    case torch::kFloat:
    case torch::kDouble:
    case torch::kHalf:
    case torch::kBFloat16:
    case torch::kLong:
    case torch::kInt:
    case torch::kShort:
    case torch::kChar:
    case torch::kByte:
    case torch::kBool:
      break;
    default:
      bad("has an unsupported dtype " + std::string(c10::toString(t.scalar_type())));
  }
  if (t.dim() > 16) bad("has more than 16 dimensions");
  // The furthest element, in elements from the start of the storage.
  int64_t last = t.storage_offset();
  if (last < 0) bad("has a negative storage offset");
  bool empty = false;
  for (int64_t d = 0; d < t.dim(); ++d) {
    const int64_t size = t.size(d), stride = t.stride(d);
    if (size < 0 || stride < 0) bad("has a negative size or stride");  // LibTorch makes both >= 0; never rely on it
    if (size == 0) empty = true;
    int64_t reach = 0;
    if (size > 0 && (__builtin_mul_overflow(size - 1, stride, &reach) || __builtin_add_overflow(last, reach, &last)))
      bad("has sizes and strides reaching past any storage");
  }
  const int64_t item = static_cast<int64_t>(t.element_size());
  const uint64_t storage_bytes = t.storage().nbytes();
  // Zero or overlapping strides let a few stored values describe any number of
  // elements, and reading one (isfinite below, a gear's contiguous copy)
  // allocates them all: a 1 KB gear file took gearnn run to 22 GB. Weights
  // never share storage slots, so no tensor may have more elements than its
  // storage holds, which bounds every copy by the file's size.
  int64_t elements = 1;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (__builtin_mul_overflow(elements, t.size(d), &elements)) elements = INT64_MAX;
  if (static_cast<uint64_t>(elements) > storage_bytes / static_cast<uint64_t>(item))
    bad("has more elements than its storage holds (a broadcast or overlapping layout; sizes " + shape_text(t) +
        ", strides " + c10::str(t.strides()) + ")");
  int64_t end = 0;  // bytes up to the end of the furthest element (or to the offset when empty)
  if (__builtin_add_overflow(last, empty ? 0 : 1, &end) || __builtin_mul_overflow(end, item, &end) ||
      static_cast<uint64_t>(end) > storage_bytes)
    bad("reaches past the end of its storage (storage offset " + std::to_string(t.storage_offset()) + ", sizes " +
        shape_text(t) + ", strides " + c10::str(t.strides()) + ", storage of " + std::to_string(storage_bytes) +
        " bytes)");
}

namespace {

// The archive's pickle, with every data record handed to the unpickler as a
// storage of the record's true byte size: the element count a crafted pickle
// declares for a storage is never trusted. The pickle is checked first (pickle_check.h).
c10::IValue read_archive(const std::vector<char>& bytes, const std::string& path) {
  caffe2::serialize::PyTorchStreamReader reader(
      std::make_unique<MemoryReader>(bytes.data(), bytes.size()));
  {
    auto [pickle, size] = reader.getRecord("data.pkl");
    const std::string problem = pickle_problem(static_cast<const uint8_t*>(pickle.get()), size);
    if (!problem.empty()) fail(path, "corrupt tensor file (" + problem + ")");
  }
  auto storages = std::make_shared<torch::jit::DeserializationStorageContext>();
  for (const std::string& record : reader.getAllRecords()) {
    if (record.rfind("data/", 0) != 0) continue;
    auto [data, size] = reader.getRecord(record);
    storages->addStorage(record.substr(5), c10::Storage(c10::Storage::use_byte_size_t(), size, std::move(data),
                                                        /*allocator=*/nullptr, /*resizable=*/false));
  }
  return torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt, c10::nullopt, reader,
                                           torch::jit::Unpickler::defaultTypeParser, storages);
}

}  // namespace

std::map<std::string, torch::Tensor> load_tensor_dict(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = read_archive(bytes, path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // LibTorch 1.13's unpickler lacks SETITEM, which Python's pickler uses for a one-entry dict.
    if (std::string(e.what()).rfind("Unknown opcode for unpickling at 0x73", 0) == 0)
      fail(path, "a one-tensor dict saved by Python cannot be read by LibTorch 1.13; save two or more tensors");
    fail(path, "corrupt tensor file (not a {name: tensor} dict saved by torch.save or torch::pickle_save)");
  }
  if (!value.isGenericDict()) fail(path, "expected a plain {name: tensor} dict");
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : value.toGenericDict()) {
    if (!item.key().isString() || !item.value().isTensor()) fail(path, "expected a plain {name: tensor} dict");
    const std::string& name = item.key().toStringRef();
    const torch::Tensor& t = item.value().toTensor();
    check_tensor_layout(t, path, name);
    // NaN or infinite weights give garbage masks with no error (every pixel one class).
    if (t.is_floating_point() && !torch::isfinite(t).all().item<bool>())
      fail(path, "tensor '" + name + "' holds NaN or infinite values");
    out[name] = t;
  }
  return out;
}

void save_tensor_dict(const std::string& path, const std::map<std::string, torch::Tensor>& tensors) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, t] : tensors) dict.insert(name, t.detach().contiguous().cpu());
  const std::vector<char> bytes = torch::pickle_save(dict);
  write_text_file(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace gearnn
