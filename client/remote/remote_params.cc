#include "client/remote/remote_params.h"

#include "common/rpc/params_proto.h"

namespace vmm::client {

absl::StatusOr<vmm::v1::MagnifyParams> ToProtoParams(const MagnifyFlags& flags,
                                                     common::ParamsUse use,
                                                     double input_rate_hz) {
  absl::StatusOr<common::MagnifyParams> params = ToMagnifyParams(flags, use);
  if (params.ok() && input_rate_hz > 0) {
    params = common::WithSampleRate(*params, input_rate_hz, use);
  }
  if (!params.ok()) return params.status();
  return common::ToProto(*params);
}

}  // namespace vmm::client
