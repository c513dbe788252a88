#include "agreement_accumulator.h"

#include "gearnn/metrics/agreement.h"

namespace gearnn {

AgreementAccumulator::AgreementAccumulator(const ModelCard& card, std::string reference, std::string mask_dir)
    : card_(card), reference_(std::move(reference)), mask_dir_(std::move(mask_dir)), total_(card.num_classes()) {}

void AgreementAccumulator::write(const FrameResult& result) {
  total_.add(*result.agreement);
  if (const auto a = result.agreement->miou()) frame_sum_ += *a, ++frame_count_;
  ++frames_;
}

json AgreementAccumulator::report_block() const {
  if (frames_ == 0) return nullptr;
  json block = agreement_json(total_, card_.classes);
  block["mean_frame_agreement"] = frame_count_ ? json(frame_sum_ / frame_count_) : json(nullptr);
  block["reference"] = reference_;
  block["reference_masks"] = mask_dir_;
  return block;
}

}  // namespace gearnn
