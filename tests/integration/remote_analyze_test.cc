// `vmm analyze --server`: the same measurement as here, made by a worker as a measurement job
// (the server never decodes the video), with the CLI's exit codes.
#include <gtest/gtest.h>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class RemoteAnalyzeTest : public ServiceTest {};

TEST_F(RemoteAnalyzeTest, TheServiceMeasuresWhatTheCommandMeasuresHere) {
  StartServer(Config(1));
  const std::string input = MakeInput("moving.mp4", 96, 64, 40);
  const std::vector<std::string> options = {"analyze", input, "--roi", "centre=24,16,48,32",
                                            "--fs", "20", "--json", "-q"};
  std::vector<std::string> remote = options;
  remote.insert(remote.end(), {"--server", service_->address()});
  CommandResult here = service_->Vmm(options);
  CommandResult there = service_->Vmm(remote);
  ASSERT_EQ(here.exit_code, 0) << here.err;
  ASSERT_EQ(there.exit_code, 0) << there.err;
  const nlohmann::json local = LastJson(here.out), served = LastJson(there.out);
  EXPECT_EQ(served["input"], "moving.mp4");  // the job knows the file by its name
  EXPECT_EQ(served["frames"], 40);
  EXPECT_EQ(served["sample_rate_hz"], 20.0);
  EXPECT_EQ(served["whole_frame"], local["whole_frame"]);
  ASSERT_EQ(served["regions"].size(), 1u);
  EXPECT_EQ(served["regions"][0]["displacement_px"], local["regions"][0]["displacement_px"]);
  EXPECT_EQ(served["regions"][0]["rms_px"], local["regions"][0]["rms_px"]);
  EXPECT_EQ(served["regions"][0]["peaks"].size(), local["regions"][0]["peaks"].size());
  // The summary comes from the report too.
  remote.erase(remote.begin() + 6);  // --json
  CommandResult summary = service_->Vmm(remote);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("96x64, 40 frames at fs 20 Hz"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("region centre (24,16,48,32): rms x "), std::string::npos);
  // What the command checks here it checks before sending anything; CSV and charts need the
  // spectra, which the report leaves out.
  CommandResult outside = service_->Vmm(
      {"analyze", input, "--roi", "far=80,50,30,30", "--server", service_->address()});
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("lies outside the 96x64 frame"), std::string::npos) << outside.err;
  CommandResult csv = service_->Vmm(
      {"analyze", input, "--csv", Path("csv"), "--server", service_->address()});
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_NE(csv.err.find("--csv and --plot need the spectra"), std::string::npos) << csv.err;
  // An unreachable server is exit 3, as for every remote command.
  CommandResult nowhere = service_->Vmm(
      {"analyze", input, "--server", "127.0.0.1:" + std::to_string(FreePort()), "-q"});
  EXPECT_EQ(nowhere.exit_code, 3) << nowhere.err;
}

}  // namespace
}  // namespace vmm::integration
