// The Python example (client/python/examples/vmm_example.py, a user of the vmm_client
// package, taken from the build's staged package) against a real server.
#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class PythonExampleTest : public ServiceTest {};

constexpr char kExample[] = VMM_SOURCE_DIR "/client/python/examples/vmm_example.py";

TEST_F(PythonExampleTest, SubmitsWatchesAndDownloads) {
#ifndef VMM_PYTHON_PACKAGE_DIR
  GTEST_SKIP() << "the vmm-client package was not built (see client/python/CMakeLists.txt)";
#else
  StartServer(Config(1));
  const std::string input = MakeInput("in.mp4", 64, 48, 8);
  CommandResult result =
      RunCommand({VMM_PYTHON, kExample,
                  "--server", service_->address(), input, Path("out.mkv"), "--alpha", "3"},
                 {{"PYTHONPATH", VMM_PYTHON_PACKAGE_DIR}}, std::chrono::seconds(120), dir_);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("submitted jobs/"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("SUCCEEDED 8/8 frames"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("saved"), std::string::npos) << result.out;
  absl::StatusOr<std::vector<media::Frame> > frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 8u);
  // The job carries the example's label and the alpha it asked for.
  CommandResult list = service_->Vmm({"list", "--label", "client=python", "--json"});
  const nlohmann::json jobs = LastJson(list.out)["jobs"];
  ASSERT_EQ(jobs.size(), 1u) << list.out;
  EXPECT_EQ(jobs[0]["params"]["alpha"], 3);
#endif
}

TEST_F(PythonExampleTest, UnreachableServerExitsWithThree) {
#ifndef VMM_PYTHON_PACKAGE_DIR
  GTEST_SKIP() << "the vmm-client package was not built (see client/python/CMakeLists.txt)";
#else
  const std::string input = MakeInput("in.mp4", 64, 48, 4);
  CommandResult result =
      RunCommand({VMM_PYTHON, kExample,
                  "--server", "127.0.0.1:" + std::to_string(FreePort()), input, Path("out.mkv")},
                 {{"PYTHONPATH", VMM_PYTHON_PACKAGE_DIR}}, std::chrono::seconds(60), dir_);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("UNAVAILABLE"), std::string::npos) << result.err;
#endif
}

}  // namespace
}  // namespace vmm::integration
