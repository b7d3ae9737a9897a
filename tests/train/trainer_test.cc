// Tests of the trainer: a few steps reduce the loss on a fixed batch; checkpoints round-trip
// the step, weights and optimiser state; resumption without optimiser state and refusal to
// overwrite an existing state directory; the log keeps one row per step across a kill and resume;
// the moving average of the weights and its place in checkpoints; a resumed run's Adam takes the
// learning rate it is given; the noise anchor's term; the motion weights of the data term.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/layers.h"
#include "tests/train/test_pool.h"
#include "train/data/sample_generator.h"
#include "train/trainer/checkpoint.h"
#include "train/trainer/trainer.h"
#include "train/trainer/training_log.h"
#include "train/trainer/weight_average.h"

namespace vmm::train {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("vmm-train-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TrainingBatch SmallBatch() {
  GeneratorOptions options;
  options.crop_size = 16;
  options.seed = 5;
  SampleGenerator generator(testing::MakeTexturedPool(), options);
  return ToBatch({generator.Generate(0), generator.Generate(1)});
}

TEST(TrainerTest, StepsReduceTheLossOnAFixedBatch) {
  torch::set_num_threads(1);
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 1);
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-3);
  const TrainingBatch batch = SmallBatch();
  const StepLosses before = EvaluateLosses(*net, batch, 1.0);
  for (int i = 0; i < 5; ++i) TrainStep(*net, optimizer, batch, 1.0);
  const StepLosses after = EvaluateLosses(*net, batch, 1.0);
  EXPECT_GT(before.total, 0.0);
  EXPECT_LT(after.total, before.total);
  EXPECT_NEAR(before.total, before.l1 + before.regularisers, 1e-5);
}

// A pixel counts as moved by how far the target leaves frame B: not at all up to
// kMovedDifferenceStart (the training noise's size), fully from kMovedDifferenceFull, linearly in
// between; the channels' differences are averaged.
TEST(TrainerTest, MotionWeightsGrowWithHowFarTheTargetLeavesFrameB) {
  const torch::Tensor frame_b = torch::zeros({1, 3, 1, 4});
  torch::Tensor target = frame_b.clone();
  target.index_put_({0, torch::indexing::Slice(), 0, 1}, 0.8 * kMovedDifferenceStart);
  target.index_put_({0, torch::indexing::Slice(), 0, 2},
                    0.5 * (kMovedDifferenceStart + kMovedDifferenceFull));
  target.index_put_({0, 0, 0, 3}, -3 * kMovedDifferenceFull);  // one channel, mean at the full mark
  const torch::Tensor weights = MotionWeights(target, frame_b, 4.0);
  ASSERT_EQ(weights.sizes(), (std::vector<int64_t>{1, 1, 1, 4}));
  EXPECT_FLOAT_EQ(weights[0][0][0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(weights[0][0][0][1].item<float>(), 1.0f);
  EXPECT_NEAR(weights[0][0][0][2].item<float>(), 3.0f, 1e-5);
  EXPECT_NEAR(weights[0][0][0][3].item<float>(), 5.0f, 1e-5);
}

// With a motion weight the minimised loss's data term is the motion-weighted mean of the absolute
// errors, while the logged L1 stays the plain one.
TEST(TrainerTest, MotionWeightedDataTermWeighsTheErrorsWhereThingsMoved) {
  torch::set_num_threads(1);
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 1);
  const TrainingBatch batch = SmallBatch();
  const StepLosses plain = EvaluateLosses(*net, batch, 1.0);
  const StepLosses weighted = EvaluateLosses(*net, batch, 1.0, nullptr, 4.0);
  torch::NoGradGuard no_grad;
  const torch::Tensor errors =
      (net->forward(batch.frame_a, batch.frame_b, batch.alpha).magnified - batch.target).abs();
  const torch::Tensor weights = MotionWeights(batch.target, batch.frame_b, 4.0);
  ASSERT_GT(weights.max().item<double>(), 1.0) << "the batch has moved pixels";
  const double expected = ((errors * weights).mean() / weights.mean()).item<double>();
  EXPECT_NEAR(plain.l1, weighted.l1, 1e-6);
  EXPECT_NEAR(weighted.total, expected + weighted.regularisers, 1e-5);
  EXPECT_GT(std::abs(weighted.total - plain.total), 1e-4);
}

// The noise anchor's term is zero for a reference equal to the network, is the L1 between the
// two networks' outputs on the first `samples` samples' anchor copies, and steps on it bring the
// network towards the reference, which itself stays untouched.
TEST(TrainerTest, NoiseAnchorPullsTheOutputsOnNoisyInputsTowardsTheReference) {
  torch::set_num_threads(1);
  GeneratorOptions options;
  options.crop_size = 16;
  options.seed = 5;
  options.sampler.anchor_max_noise_level = 10;
  SampleGenerator generator(testing::MakeTexturedPool(), options);
  const TrainingBatch batch =
      ToBatch({generator.Generate(0), generator.Generate(1), generator.Generate(2)});
  ASSERT_TRUE(batch.anchor_a.defined());

  engine::MagnificationNet net, twin, reference;
  engine::InitWeightsTruncatedNormal(*net, 1);
  engine::InitWeightsTruncatedNormal(*twin, 1);
  engine::InitWeightsTruncatedNormal(*reference, 2);
  for (torch::Tensor& parameter : reference->parameters()) parameter.requires_grad_(false);
  const NoiseAnchor same{twin.get(), 1.0, 3};
  EXPECT_EQ(EvaluateLosses(*net, batch, 1.0, &same).anchor, 0.0);

  const NoiseAnchor anchor{reference.get(), 100.0, 1};
  const StepLosses before = EvaluateLosses(*net, batch, 1.0, &anchor);
  double first_sample_l1 = 0;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor a = batch.anchor_a.narrow(0, 0, 1), b = batch.anchor_b.narrow(0, 0, 1);
    const torch::Tensor alpha = batch.alpha.narrow(0, 0, 1);
    first_sample_l1 = torch::l1_loss(net->forward(a, b, alpha).magnified,
                                     reference->forward(a, b, alpha).magnified)
                          .item<double>();
  }
  EXPECT_GT(before.anchor, 0.0);
  EXPECT_NEAR(before.anchor, first_sample_l1, 1e-6 * first_sample_l1);
  EXPECT_NEAR(before.total, before.l1 + before.regularisers + 100.0 * before.anchor,
              1e-6 * before.total);

  std::vector<torch::Tensor> reference_before;
  for (const torch::Tensor& parameter : reference->parameters()) {
    reference_before.push_back(parameter.clone());
  }
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-3);
  for (int i = 0; i < 5; ++i) TrainStep(*net, optimizer, batch, 1.0, &anchor);
  EXPECT_LT(EvaluateLosses(*net, batch, 1.0, &anchor).anchor, 0.8 * before.anchor);
  const std::vector<torch::Tensor> reference_after = reference->parameters();
  for (size_t i = 0; i < reference_after.size(); ++i) {
    EXPECT_TRUE(torch::equal(reference_after[i], reference_before[i])) << i;
    EXPECT_FALSE(reference_after[i].grad().defined()) << i;
  }

  // Without the anchor no term; with it, a batch without anchor copies is a programming error.
  EXPECT_EQ(EvaluateLosses(*net, batch, 1.0).anchor, 0.0);
  const TrainingBatch plain = SmallBatch();
  EXPECT_THROW(EvaluateLosses(*net, plain, 1.0, &anchor), c10::Error);
}

// The anchor's reference may not be the file the run writes its weights to, its samples must
// fit in the batch and its noise range must not be empty; all are refused before anything is
// loaded.
TEST(TrainerTest, RefusesAnchorSettingsThatCannotWorkBeforeLoadingAnything) {
  TempDir dir;
  TrainerOptions options;
  options.state_dir = dir.path();
  options.anchor_weights = dir.path() + "/latest.vmmw";
  options.weights_out = options.anchor_weights;
  std::atomic<bool> stop{false};
  absl::Status status = RunTraining(options, stop);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("same file"), std::string::npos);

  options.weights_out = dir.path() + "/other.vmmw";
  options.anchor_samples = options.batch_size + 1;
  status = RunTraining(options, stop);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--anchor-samples"), std::string::npos);

  options.anchor_samples = 1;
  options.anchor_min_noise_level = options.anchor_max_noise_level * 2;
  status = RunTraining(options, stop);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--anchor-min-noise-level"), std::string::npos);
}

TEST(CheckpointTest, RoundTripRestoresStepWeightsAndOptimiser) {
  torch::set_num_threads(1);
  TempDir dir;
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 2);
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-3);
  TrainStep(*net, optimizer, SmallBatch(), 1.0);
  TrainingPosition position;
  position.step = 7;
  position.wall_seconds = 12.5;
  position.description = "test";
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position).ok());
  position.step = 8;  // a second checkpoint replaces the first
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position).ok());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "weights-000000007.vmmw"));

  engine::MagnificationNet restored_net;
  engine::InitWeightsTruncatedNormal(*restored_net, 3);
  torch::optim::Adam restored_optimizer = MakeOptimizer(*restored_net, 1e-3);
  absl::StatusOr<RestoredCheckpoint> restored =
      LoadCheckpoint(dir.path(), *restored_net, restored_optimizer);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->position.step, 8);
  EXPECT_DOUBLE_EQ(restored->position.wall_seconds, 12.5);
  EXPECT_TRUE(restored->optimizer_restored);
  const auto original = net->named_parameters();
  for (const auto& item : restored_net->named_parameters()) {
    ASSERT_TRUE(torch::equal(item.value(), original[item.key()])) << item.key();
  }
  // The same next step from both gives the same weights (Adam moments restored).
  const TrainingBatch batch = SmallBatch();
  TrainStep(*net, optimizer, batch, 1.0);
  TrainStep(*restored_net, restored_optimizer, batch, 1.0);
  const auto stepped = net->named_parameters();
  for (const auto& item : restored_net->named_parameters()) {
    ASSERT_TRUE(torch::allclose(item.value(), stepped[item.key()], 1e-6, 1e-7)) << item.key();
  }
}

// Whether every parameter of `a` equals `b`'s within `tolerance`.
bool SameWeights(engine::MagnificationNetImpl& a, engine::MagnificationNetImpl& b,
                 double tolerance = 0) {
  const auto expected = b.named_parameters();
  for (const auto& item : a.named_parameters()) {
    if (!torch::allclose(item.value(), expected[item.key()], 0, tolerance)) return false;
  }
  return true;
}

TEST(WeightAverageTest, FollowsTheWeightsWithTheWarmUpDecayThenTheGivenOne) {
  engine::MagnificationNet start, moved;
  engine::InitWeightsTruncatedNormal(*start, 1);
  engine::InitWeightsTruncatedNormal(*moved, 2);
  WeightAverage average(*start, 0.999);
  EXPECT_TRUE(SameWeights(average.network(), *start));
  average.Update(*moved);  // first update: d = min(0.999, 1/10)
  EXPECT_EQ(average.updates(), 1);
  const auto a = start->named_parameters();
  const auto b = moved->named_parameters();
  for (const auto& item : average.network().named_parameters()) {
    ASSERT_TRUE(torch::allclose(item.value(), 0.1 * a[item.key()] + 0.9 * b[item.key()], 1e-5,
                                1e-7))
        << item.key();
  }
  // A long-running average moves by (1 - 0.999) of the gap per update.
  WeightAverage settled(*start, 0.999, /*updates=*/1000000);
  settled.Update(*moved);
  for (const auto& item : settled.network().named_parameters()) {
    ASSERT_TRUE(torch::allclose(item.value(), 0.999 * a[item.key()] + 0.001 * b[item.key()],
                                1e-5, 1e-7))
        << item.key();
  }
  // The average holds its own copy, outside autograd: changing the source does not move it.
  WeightAverage copy(*moved, 0.999);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : moved->parameters()) parameter.mul_(2);
  }
  EXPECT_FALSE(SameWeights(copy.network(), *moved));
  for (const auto& item : copy.network().parameters()) EXPECT_FALSE(item.requires_grad());
}

TEST(CheckpointTest, WeightAverageRoundTripsAndOldOnesAreDeleted) {
  TempDir dir;
  engine::MagnificationNet net, averaged;
  engine::InitWeightsTruncatedNormal(*net, 2);
  engine::InitWeightsTruncatedNormal(*averaged, 4);
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-4);
  TrainingPosition position;
  position.step = 5;
  position.average_updates = 42;
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position, averaged.get()).ok());
  position.step = 6;
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position, averaged.get()).ok());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "averaged-000000005.vmmw"));
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "averaged-000000006.vmmw"));

  engine::MagnificationNet restored_net, restored_average;
  absl::StatusOr<RestoredCheckpoint> restored =
      LoadCheckpoint(dir.path(), *restored_net, optimizer, restored_average.get());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(restored->average_restored);
  EXPECT_EQ(restored->position.average_updates, 42);
  EXPECT_TRUE(SameWeights(*restored_net, *net));
  EXPECT_TRUE(SameWeights(*restored_average, *averaged));

  // A checkpoint written without an average restores none, and drops the older average file.
  position.step = 7;
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position).ok());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "averaged-000000006.vmmw"));
  restored = LoadCheckpoint(dir.path(), *restored_net, optimizer, restored_average.get());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(restored->average_restored);
  EXPECT_EQ(restored->position.average_updates, 0);
}

// The learning rate of every parameter group of `optimizer`.
std::vector<double> LearningRates(torch::optim::Adam& optimizer) {
  std::vector<double> rates;
  for (torch::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    rates.push_back(static_cast<torch::optim::AdamOptions&>(group.options()).lr());
  }
  return rates;
}

TEST(CheckpointTest, SetLearningRateOverridesTheRestoredRate) {
  TempDir dir;
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 2);
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-3);
  TrainStep(*net, optimizer, SmallBatch(), 1.0);
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, TrainingPosition{}).ok());

  torch::optim::Adam resumed = MakeOptimizer(*net, 1e-3);
  absl::StatusOr<RestoredCheckpoint> restored = LoadCheckpoint(dir.path(), *net, resumed);
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_TRUE(restored->optimizer_restored);
  SetLearningRate(resumed, 2e-5);
  ASSERT_FALSE(LearningRates(resumed).empty());
  for (double rate : LearningRates(resumed)) EXPECT_DOUBLE_EQ(rate, 2e-5);
}

TEST(CheckpointTest, MissingOptimiserStateRestoresWeightsOnly) {
  TempDir dir;
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 2);
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-4);
  TrainingPosition position;
  position.step = 3;
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, position).ok());
  fs::remove(fs::path(dir.path()) / "optimizer-000000003.pt");
  absl::StatusOr<RestoredCheckpoint> restored = LoadCheckpoint(dir.path(), *net, optimizer);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->position.step, 3);
  EXPECT_FALSE(restored->optimizer_restored);
  EXPECT_NE(restored->optimizer_problem.find("missing"), std::string::npos);
}

TEST(CheckpointTest, NoCheckpointIsNotFound) {
  TempDir dir;
  engine::MagnificationNet net;
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-4);
  absl::StatusOr<RestoredCheckpoint> restored = LoadCheckpoint(dir.path(), *net, optimizer);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(restored.status().message().find(dir.path()), std::string::npos);
}

TEST(TrainerTest, RefusesExistingStateWithoutResume) {
  TempDir dir;
  engine::MagnificationNet net;
  torch::optim::Adam optimizer = MakeOptimizer(*net, 1e-4);
  ASSERT_TRUE(SaveCheckpoint(dir.path(), *net, optimizer, TrainingPosition{}).ok());
  TrainerOptions options;
  options.state_dir = dir.path();
  std::atomic<bool> stop{false};
  const absl::Status status = RunTraining(options, stop);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("--resume"), std::string::npos);
}

// The printed progress line names every figure, and the anchor's term only when there is one.
TEST(TrainingLogTest, ProgressLineShowsTheLossesSpeedAndValidation) {
  LogRow row;
  row.step = 500;
  row.loss = 0.07;
  row.l1 = 0.068;
  row.regularisers = 0.002;
  row.data_share = 0.25;
  row.data_cpu_share = 0.08;
  row.validation_ssim = 0.79;
  row.validation_ssim_average = 0.8;
  EXPECT_EQ(ProgressLine(row, 2.0, 0.01, std::nullopt),
            "step 500  loss 0.07000  l1 0.06800  reg 0.00200  2.00 steps/s  data 25% of wall, "
            "8% of CPU (waited 1%)  val SSIM 0.7900 (average 0.8000)\n");
  row.validation_ssim.reset();
  row.validation_ssim_average.reset();
  EXPECT_EQ(ProgressLine(row, 1.5, 0, 0.025),
            "step 500  loss 0.07000  l1 0.06800  reg 0.00200  anchor 0.02500  1.50 steps/s  "
            "data 25% of wall, 8% of CPU (waited 0%)\n");
}

// What a killed run leaves (rows after its last checkpoint at step 100) and a resumed run adds.
TEST(TrainingLogTest, ResumingDropsRowsWrittenAfterTheCheckpoint) {
  TempDir dir;
  const std::string path = dir.path() + "/log.csv";
  {
    absl::StatusOr<TrainingLog> log = TrainingLog::Open(path, 0);
    ASSERT_TRUE(log.ok()) << log.status();
    for (int64_t step : {50, 100, 150}) log->Append(LogRow{step, double(step)});
  }
  {
    absl::StatusOr<TrainingLog> log = TrainingLog::Open(path, 100);
    ASSERT_TRUE(log.ok()) << log.status();
    log->Append(LogRow{150, 151.0});
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> steps;
  for (std::string line; std::getline(text, line);) steps.push_back(line.substr(0, line.find(',')));
  EXPECT_EQ(steps, (std::vector<std::string>{"step", "50", "100", "150"}));
  // Every row has the header's number of fields.
  std::stringstream again(text.str());
  for (std::string line; std::getline(again, line);) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 9) << line;
  }
  EXPECT_NE(text.str().find("150,151.0,"), std::string::npos);
}

TEST(TrainingLogTest, AnOlderHeaderIsReplaced) {
  TempDir dir;
  const std::string path = dir.path() + "/log.csv";
  {
    std::ofstream old(path);
    old << "step,wall_seconds,loss,l1,regularisers,samples_per_second,data_share,validation_ssim\n"
        << "50,1.0,0.5,0.5,0.0,4.0,0.1,\n";
  }
  ASSERT_TRUE(TrainingLog::Open(path, 50).ok());
  std::ifstream in(path);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header.substr(header.rfind(',') + 1), "validation_ssim_average");
  EXPECT_EQ(row, "50,1.0,0.5,0.5,0.0,4.0,0.1,");
}

TEST(TrainingLogTest, UnwritablePlaceIsAnError) {
  EXPECT_EQ(TrainingLog::Open("/nonexistent-dir/log.csv", 0).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace vmm::train
