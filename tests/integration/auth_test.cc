// Authentication, ownership and parameter errors as the CLI reports them.
#include <filesystem>
#include <fstream>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class AuthTest : public ServiceTest {
 protected:
  void StartWithTokens() {
    const std::string tokens = Path("tokens");
    std::ofstream(tokens) << "alice-token-0123456789 alice\nbob-token-0123456789 "
                             "bob\nworker-token-0123456789 @worker\n";
    ServerConfig config = Config(0);
    config.tokens_file = tokens;
    StartServer(config);
  }
};

TEST_F(AuthTest, WrongOrMissingTokenIsUnauthenticated) {
  StartWithTokens();
  CommandResult wrong = service_->Vmm({"list"}, "not-a-valid-token-at-all");
  EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
  EXPECT_NE(wrong.err.find("refused the token"), std::string::npos) << wrong.err;
  CommandResult missing = service_->Vmm({"list", "--json"});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_EQ(LastJson(missing.out)["error"]["code"], "UNAUTHENTICATED") << missing.out;
  CommandResult right = service_->Vmm({"list"}, "alice-token-0123456789");
  EXPECT_EQ(right.exit_code, 0) << right.err;
}

TEST_F(AuthTest, AnotherOwnersJobIsNotFound) {
  StartWithTokens();
  CommandResult submit = service_->Vmm({"submit", MakeInput("in.mp4", 64, 48, 8), "--no-wait"},
                                       "alice-token-0123456789");
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string job = submit.out.substr(0, submit.out.find('\n'));
  for (const std::string& command : {"status", "cancel", "watch", "delete"}) {
    CommandResult other = service_->Vmm({command, job}, "bob-token-0123456789");
    EXPECT_EQ(other.exit_code, 1) << command << ": " << other.err;
    EXPECT_NE(other.err.find("NOT_FOUND"), std::string::npos) << command << ": " << other.err;
  }
  CommandResult list = service_->Vmm({"list", "--json"}, "bob-token-0123456789");
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), 0u);
  CommandResult own = service_->Vmm({"status", job, "--json"}, "alice-token-0123456789");
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(LastJson(own.out)["owner"], "alice");
}

TEST_F(AuthTest, WorkerWithAClientTokenIsRefusedAndOneWithAWorkerTokenServes) {
  StartWithTokens();
  Subprocess& refused = service_->StartWorker("intruder", {}, "alice-token-0123456789");
  std::optional<int> code = refused.Wait(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "a worker with a client token kept running";
  EXPECT_EQ(*code, 1);
  EXPECT_NE(ReadFile(Path("intruder.log")).find("PERMISSION_DENIED"), std::string::npos)
      << ReadFile(Path("intruder.log"));
  service_->StartWorker("w1", {}, "worker-token-0123456789");
  EXPECT_TRUE(service_->WaitForWorkers(1));
}

TEST_F(AuthTest, BadParametersAreInvalidArgumentsNamingTheParameter) {
  StartServer(Config(0));
  const std::string input = MakeInput("in.mp4", 64, 48, 8);
  CommandResult alpha = service_->Vmm({"submit", input, "-o", Path("o.mp4"), "--alpha", "-3"});
  EXPECT_EQ(alpha.exit_code, 2) << alpha.err;
  EXPECT_NE(alpha.err.find("alpha"), std::string::npos) << alpha.err;
  CommandResult band = service_->Vmm({"submit", input, "-o", Path("o.mp4"), "--mode", "temporal",
                                      "--fl", "5", "--fh", "2", "--fs", "30"});
  EXPECT_EQ(band.exit_code, 2) << band.err;
  EXPECT_NE(band.err.find("--fh must be above --fl (5 Hz), got 2"), std::string::npos) << band.err;
  CommandResult mode = service_->Vmm({"submit", input, "-o", Path("o.mp4"), "--mode", "wobbly"});
  EXPECT_EQ(mode.exit_code, 2) << mode.err;
  EXPECT_NE(mode.err.find("wobbly"), std::string::npos) << mode.err;
  CommandResult list = service_->Vmm({"list", "--json"});
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), 0u) << "a refused job was stored";
}

// A local file problem is the caller's (exit 1, naming the file), whether or not a server is
// there: checked before any connection.
TEST_F(AuthTest, SubmittingAFolderOrAMissingFileIsALocalFailure) {
  StartServer(Config(0));
  const std::string folder = Path("a-folder");
  std::filesystem::create_directories(folder);
  CommandResult submitted = service_->Vmm({"submit", folder, "-o", Path("o.mp4")});
  EXPECT_EQ(submitted.exit_code, 1) << submitted.err;
  EXPECT_NE(submitted.err.find("'" + folder + "' is a folder"), std::string::npos) << submitted.err;
  EXPECT_EQ(submitted.err.find("cannot reach"), std::string::npos) << submitted.err;
  CommandResult missing = service_->Vmm({"submit", Path("nothing.mp4"), "-o", Path("o.mp4")});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

TEST_F(AuthTest, UnreachableServerExitsWithThree) {
  // No server is started: the harness's address is empty, so point at a closed port.
  CommandResult result = RunCommand(
      {VmmBinary(), "status", "jobs/x", "--server", "127.0.0.1:" + std::to_string(FreePort())}, {},
      std::chrono::seconds(60), dir_);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("cannot reach the server"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace vmm::integration
