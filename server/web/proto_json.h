// Protobuf messages to and from the JSON the console speaks: proto3's canonical JSON mapping
// (lowerCamelCase names, enums by name, int64 as strings, Timestamps in RFC 3339), with fields
// at their default values printed too, so a browser never has to guess a missing zero.
// Thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace vmm::server::web {

// `message` as JSON. INTERNAL if protobuf cannot print it (it always can for our messages).
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

// Parses `json` into `message`, refusing unknown fields. INVALID_ARGUMENT naming `what` (such
// as "the job spec") and protobuf's reason otherwise.
absl::Status FromJson(absl::string_view json, absl::string_view what,
                      google::protobuf::Message* message);

}  // namespace vmm::server::web
