// Weights files: round trip, and a clear refusal of every kind of wrong file.
#include "engine/weights_file.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/model_loader.h"

namespace vmm::engine {
namespace {

using ::testing::HasSubstr;

class WeightsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vmm-weights-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    InitWeightsTruncatedNormal(*net_, 11);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string SaveValid() {
    WeightsHeader header;
    header.training_steps = 1234;
    header.description = "unit test";
    const std::string path = Path("model.vmmw");
    EXPECT_TRUE(SaveWeights(*net_, header, path).ok());
    return path;
  }
  static std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void Write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  std::filesystem::path dir_;
  MagnificationNet net_;
};

TEST_F(WeightsFileTest, RoundTripRestoresEveryParameterAndTheHeader) {
  const std::string path = SaveValid();
  MagnificationNet other;
  auto header = LoadWeights(path, *other);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->training_steps, 1234);
  EXPECT_EQ(header->description, "unit test");
  EXPECT_EQ(header->architecture, kArchitectureName);
  auto mine = net_->named_parameters();
  auto theirs = other->named_parameters();
  for (const auto& item : mine) {
    EXPECT_TRUE(torch::equal(item.value(), theirs[item.key()])) << item.key();
  }
  // About 3.7 MB as float32.
  EXPECT_NEAR(std::filesystem::file_size(path) / 1e6, 3.7, 0.1);
}

TEST_F(WeightsFileTest, MissingFileIsNotFoundNamingIt) {
  auto result = LoadWeights(Path("absent.vmmw"), *net_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("absent.vmmw"));
}

TEST_F(WeightsFileTest, FolderIsRefusedNamingIt) {
  const auto header = LoadWeights(dir_.string(), *net_);
  EXPECT_EQ(header.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(header.status().message()), HasSubstr("is a folder, not a file"));
  EXPECT_THAT(std::string(header.status().message()), HasSubstr(dir_.string()));
}

TEST_F(WeightsFileTest, FailedSaveLeavesNoTemporaryFileBehind) {
  std::filesystem::create_directories(dir_ / "taken");
  const absl::Status onto_folder = SaveWeights(*net_, {}, Path("taken"));
  EXPECT_FALSE(onto_folder.ok());
  EXPECT_THAT(std::string(onto_folder.message()), HasSubstr("Is a directory"));
  EXPECT_FALSE(std::filesystem::exists(Path("taken.tmp")));

  const absl::Status missing_folder = SaveWeights(*net_, {}, Path("no-such-folder/model.vmmw"));
  EXPECT_EQ(missing_folder.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(missing_folder.message()), HasSubstr("No such file or directory"));
  EXPECT_FALSE(std::filesystem::exists(Path("no-such-folder")));
}

TEST_F(WeightsFileTest, TextFileIsRefusedAsNotAWeightsFile) {
  Write(Path("notes.vmmw"), "these are not weights\n");
  auto result = LoadWeights(Path("notes.vmmw"), *net_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("not a vmm weights file"));
}

TEST_F(WeightsFileTest, TruncatedFileIsDataLossAndLeavesTheNetworkUnchanged) {
  const std::string bytes = Bytes(SaveValid());
  Write(Path("cut.vmmw"), bytes.substr(0, bytes.size() / 2));
  MagnificationNet other;
  InitWeightsTruncatedNormal(*other, 99);
  torch::Tensor before = other->decoder->out_conv->conv->weight.clone();
  auto result = LoadWeights(Path("cut.vmmw"), *other);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(result.status().message(), HasSubstr("truncated"));
  EXPECT_THAT(result.status().message(), HasSubstr("cut.vmmw"));
  EXPECT_TRUE(torch::equal(before, other->decoder->out_conv->conv->weight));
}

TEST_F(WeightsFileTest, FlippedByteIsCaughtByTheChecksum) {
  std::string bytes = Bytes(SaveValid());
  bytes[bytes.size() / 2] ^= 0x40;
  Write(Path("flipped.vmmw"), bytes);
  auto result = LoadWeights(Path("flipped.vmmw"), *net_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(result.status().message(), HasSubstr("checksum"));
}

TEST_F(WeightsFileTest, OtherArchitectureIsRefusedByName) {
  WeightsHeader header;
  header.architecture = "some-other-net";
  ASSERT_TRUE(SaveWeights(*net_, header, Path("other.vmmw")).ok());
  auto result = LoadWeights(Path("other.vmmw"), *net_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("some-other-net"));
}

TEST_F(WeightsFileTest, MisshapenTensorIsRefusedNamingTheTensor) {
  const std::string path = SaveValid();
  // A network whose first convolution has 8 filters instead of 16, under the same name.
  MagnificationNet net;
  net->encoder->conv1 = net->encoder->replace_module("conv1", PaddedConv(3, 8, 7));
  auto result = LoadWeights(path, *net);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("encoder.conv1.conv.weight"));
}

TEST_F(WeightsFileTest, HeaderCanBeReadAlone) {
  auto header = ReadWeightsHeader(SaveValid());
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->training_steps, 1234);
}

TEST_F(WeightsFileTest, LoadModelPutsTheNetworkInEvalModeOnTheDevice) {
  auto model = LoadModel(SaveValid(), torch::kCPU);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_FALSE(model->net->is_training());
  EXPECT_EQ(model->header.training_steps, 1234);
}

}  // namespace
}  // namespace vmm::engine
