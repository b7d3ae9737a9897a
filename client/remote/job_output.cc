#include "client/remote/job_output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/rpc/params_proto.h"

namespace vmm::client {
namespace {

// The names `vmm magnify` accepts for the job's method, mode and filter, from the shared
// spelling (common/magnify_params.h); "unknown" for a value this client does not know.
std::string MethodName(vmm::v1::Method method) {
  absl::StatusOr<common::Method> known = common::MethodFromProto(method);
  return known.ok() ? common::MethodName(*known) : "unknown";
}

std::string ModeName(vmm::v1::Mode mode) {
  absl::StatusOr<common::Mode> known = common::ModeFromProto(mode);
  return known.ok() ? common::ModeName(*known) : "unknown";
}

std::string FilterName(vmm::v1::TemporalFilter filter) {
  absl::StatusOr<common::FilterKind> known = common::FilterFromProto(filter);
  return known.ok() ? common::FilterKindName(*known) : "unknown";
}

std::string ParamsText(const vmm::v1::MagnifyParams& params) {
  std::string text = absl::StrCat(MethodName(params.method()), params.color() ? " colour" : "",
                                  ", ", ModeName(params.mode()), ", alpha ", params.alpha());
  if (params.mode() == vmm::v1::MODE_STATIC && params.reference_frame() != 0) {
    absl::StrAppend(&text, ", reference frame ", params.reference_frame());
  }
  if (params.mode() == vmm::v1::MODE_TEMPORAL) {
    absl::StrAppend(&text, ", ", FilterName(params.filter()), " ", params.low_hz(), "-",
                    params.high_hz(), " Hz at fs ",
                    params.sample_rate_hz() == 0 ? std::string("(input rate)")
                                                 : absl::StrCat(params.sample_rate_hz()));
  }
  return text;
}

std::string Progress(const vmm::v1::Job& job) {
  if (job.frames_total() > 0) return absl::StrCat(job.frames_done(), "/", job.frames_total());
  if (job.frames_done() > 0) return absl::StrCat(job.frames_done());
  return "-";
}

std::string Time(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  std::string text = google::protobuf::util::TimeUtil::ToString(time);
  return text.substr(0, 19) + "Z";
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string shown;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      shown += absl::StrFormat("\\x%02x", byte);  // a terminal would act on it, not show it
    } else {
      shown += c;  // printable ASCII and the bytes of UTF-8 sequences
    }
  }
  return shown;
}

std::string StateName(vmm::v1::Job::State state) { return vmm::v1::Job::State_Name(state); }

bool IsFinal(vmm::v1::Job::State state) {
  return state == vmm::v1::Job::SUCCEEDED || state == vmm::v1::Job::FAILED ||
         state == vmm::v1::Job::CANCELLED;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

void PrintJob(const vmm::v1::Job& job, std::ostream& out) {
  out << job.name() << "  " << StateName(job.state());
  if (!job.display_name().empty()) out << "  \"" << Printable(job.display_name()) << "\"";
  out << "\n";
  out << "  input:    " << (job.input_filename().empty() ? "-" : Printable(job.input_filename()))
      << " ("
      << HumanBytes(job.input_size_bytes()) << ")\n";
  if (job.has_analysis()) {
    out << "  measures: " << job.analysis().regions_size()
        << " region(s) and the whole frame, output json\n";
  } else {
    out << "  params:   " << ParamsText(job.params()) << ", output "
        << (job.output_format() == vmm::v1::OUTPUT_FORMAT_MKV ? "mkv" : "mp4") << "\n";
  }
  out << "  progress: " << Progress(job) << " frames";
  if (job.frames_per_second() > 0) out << absl::StrFormat(", %.1f fps", job.frames_per_second());
  out << ", attempt " << job.attempt_count() << "\n";
  out << "  created:  " << Time(job.create_time()) << "  started: " << Time(job.start_time())
      << "  ended: " << Time(job.end_time()) << "\n";
  if (!job.labels().empty()) {
    std::vector<std::string> labels;
    for (const auto& [key, value] : job.labels()) {
      labels.push_back(Printable(absl::StrCat(key, "=", value)));
    }
    std::sort(labels.begin(), labels.end());
    out << "  labels:   " << absl::StrJoin(labels, ", ") << "\n";
  }
  if (job.state() == vmm::v1::Job::SUCCEEDED) {
    out << "  result:   " << HumanBytes(job.result_size_bytes()) << ", sha256 "
        << job.result_sha256() << "\n";
  }
  if (!job.failure_reason().empty()) {
    out << "  reason:   " << Printable(job.failure_reason()) << "\n";
  }
}

void PrintJobTable(const std::vector<vmm::v1::Job>& jobs, std::ostream& out) {
  out << absl::StrFormat("%-28s %-10s %-12s %-21s %s\n", "NAME", "STATE", "FRAMES", "CREATED",
                         "DISPLAY NAME");
  for (const vmm::v1::Job& job : jobs) {
    out << absl::StrFormat("%-28s %-10s %-12s %-21s %s\n", job.name(), StateName(job.state()),
                           Progress(job), Time(job.create_time()), Printable(job.display_name()));
  }
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, units[unit]);
}

}  // namespace vmm::client
