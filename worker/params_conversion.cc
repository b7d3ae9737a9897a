#include "worker/params_conversion.h"

#include "common/rpc/params_proto.h"

namespace vmm::worker {

absl::StatusOr<common::MagnifyParams> ToEngineParams(const vmm::v1::MagnifyParams& params,
                                                     common::ParamsUse use,
                                                     double input_rate_hz) {
  absl::StatusOr<common::MagnifyParams> converted = common::FromProto(params, use);
  if (!converted.ok()) return converted.status();
  return common::WithSampleRate(*converted, input_rate_hz, use, common::ParamNames::kApi);
}

}  // namespace vmm::worker
