#include "train/trainer/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/weights_file.h"

namespace vmm::train {
namespace {

namespace fs = std::filesystem;

constexpr char kCheckpointFile[] = "checkpoint.json";

absl::Status WriteFileAtomically(const fs::path& path, const std::string& contents) {
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", temp.string()));
  }
  std::error_code error;
  fs::rename(temp, path, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", temp.string(), " to ", path.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

// Deletes weights-*/optimizer-*/averaged-* files other than the ones in `keep`, and stale
// temporaries.
void DeleteOldFiles(const fs::path& dir, const std::vector<std::string>& keep) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.rfind("weights-", 0) == 0 || name.rfind("optimizer-", 0) == 0 ||
                      name.rfind("averaged-", 0) == 0;
    if (ours && std::find(keep.begin(), keep.end(), name) == keep.end()) {
      fs::remove(entry.path(), error);
    }
  }
}

}  // namespace

std::string AveragedDescription(const std::string& description) {
  return description + "; moving average of the weights";
}

bool HasCheckpoint(const std::string& state_dir) {
  return fs::exists(fs::path(state_dir) / kCheckpointFile);
}

absl::Status SaveCheckpoint(const std::string& state_dir, engine::MagnificationNetImpl& net,
                            torch::optim::Adam& optimizer, const TrainingPosition& position,
                            engine::MagnificationNetImpl* averaged) {
  const fs::path dir(state_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create state directory ", state_dir, ": ",
                                            error.message()));
  }
  const std::string weights_name = absl::StrFormat("weights-%09d.vmmw", position.step);
  const std::string optimizer_name = absl::StrFormat("optimizer-%09d.pt", position.step);

  engine::WeightsHeader header;
  header.training_steps = position.step;
  header.description = position.description;
  absl::Status saved = engine::SaveWeights(net, header, (dir / weights_name).string());
  if (!saved.ok()) return saved;
  const std::string averaged_name =
      averaged != nullptr ? absl::StrFormat("averaged-%09d.vmmw", position.step) : "";
  if (averaged != nullptr) {
    engine::WeightsHeader averaged_header = header;
    averaged_header.description = AveragedDescription(position.description);
    saved = engine::SaveWeights(*averaged, averaged_header, (dir / averaged_name).string());
    if (!saved.ok()) return saved;
  }

  const fs::path optimizer_temp = dir / (optimizer_name + ".tmp");
  try {
    torch::save(optimizer, optimizer_temp.string());
  } catch (const c10::Error& e) {
    return absl::InternalError(absl::StrCat("cannot write optimiser state ",
                                            optimizer_temp.string(), ": ", e.what_without_backtrace()));
  }
  fs::rename(optimizer_temp, dir / optimizer_name, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot rename ", optimizer_temp.string(), ": ",
                                            error.message()));
  }

  nlohmann::json json = {{"step", position.step},
                         {"wall_seconds", position.wall_seconds},
                         {"description", position.description},
                         {"weights", weights_name},
                         {"optimizer", optimizer_name}};
  if (averaged != nullptr) {
    json["averaged"] = averaged_name;
    json["average_updates"] = position.average_updates;
  }
  saved = WriteFileAtomically(dir / kCheckpointFile, json.dump(2) + "\n");
  if (!saved.ok()) return saved;
  DeleteOldFiles(dir, {weights_name, optimizer_name, averaged_name});
  return absl::OkStatus();
}

absl::StatusOr<RestoredCheckpoint> LoadCheckpoint(const std::string& state_dir,
                                                  engine::MagnificationNetImpl& net,
                                                  torch::optim::Adam& optimizer,
                                                  engine::MagnificationNetImpl* averaged) {
  const fs::path dir(state_dir);
  const fs::path json_path = dir / kCheckpointFile;
  std::ifstream in(json_path);
  if (!in) return absl::NotFoundError(absl::StrCat("no checkpoint in ", state_dir));
  nlohmann::json json;
  RestoredCheckpoint restored;
  std::string weights_name, optimizer_name, averaged_name;
  try {
    in >> json;
    restored.position.step = json.at("step").get<int64_t>();
    restored.position.wall_seconds = json.value("wall_seconds", 0.0);
    restored.position.description = json.value("description", std::string());
    weights_name = json.at("weights").get<std::string>();
    optimizer_name = json.value("optimizer", std::string());
    averaged_name = json.value("averaged", std::string());
    restored.position.average_updates = json.value("average_updates", int64_t{0});
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat("unreadable checkpoint ", json_path.string(), ": ",
                                            e.what()));
  }
  absl::StatusOr<engine::WeightsHeader> header =
      engine::LoadWeights((dir / weights_name).string(), net);
  if (!header.ok()) return header.status();
  if (averaged != nullptr && !averaged_name.empty()) {
    header = engine::LoadWeights((dir / averaged_name).string(), *averaged);
    if (!header.ok()) return header.status();
    restored.average_restored = true;
  }
  if (!restored.average_restored) restored.position.average_updates = 0;

  const fs::path optimizer_path = dir / optimizer_name;
  if (optimizer_name.empty() || !fs::exists(optimizer_path)) {
    restored.optimizer_problem = absl::StrCat("optimiser state ", optimizer_path.string(),
                                              " is missing");
    return restored;
  }
  try {
    torch::load(optimizer, optimizer_path.string());
    restored.optimizer_restored = true;
  } catch (const c10::Error& e) {
    restored.optimizer_problem = absl::StrCat("optimiser state ", optimizer_path.string(),
                                              " is unreadable: ", e.what_without_backtrace());
  }
  return restored;
}

}  // namespace vmm::train
