// Tests of the training-log figures: reading a log (duplicates, validation rows, errors), the
// binned loss curve and the validation curve, and their charts.
#include "train/eval/training_curves.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace vmm::train::eval {
namespace {

constexpr char kHeader[] =
    "step,wall_seconds,loss,l1,regularisers,samples_per_second,data_share,validation_ssim,"
    "data_cpu_share\n";

// Reads `text` as a training log through a temporary file named after `name`.
absl::StatusOr<TrainingCurves> ReadLogText(const std::string& name, const std::string& text) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".csv"))
          .string();
  std::ofstream(path) << text;
  absl::StatusOr<TrainingCurves> curves = ReadTrainingLog(path);
  std::filesystem::remove(path);
  return curves;
}

TEST(TrainingCurvesTest, ReadsRowsInStepOrderKeepingTheLastOfARepeatedStep) {
  absl::StatusOr<TrainingCurves> curves =
      ReadLogText("curves", std::string(kHeader) + "500,1,0.40,0.38,0.02,4,0.1,0.55\n"
                                                   "1000,2,0.30,0.29,0.01,4,0.1,\n"
                                                   "1000,3,0.20,0.19,0.01,4,0.1,,0.07\n"
                                                   "1500,4,0.10,0.09,0.01,4,0.1,0.65,0.07\n");
  ASSERT_TRUE(curves.ok()) << curves.status();
  EXPECT_EQ(curves->step, (std::vector<double>{500, 1000, 1500}));
  EXPECT_EQ(curves->loss, (std::vector<double>{0.40, 0.20, 0.10}));
  EXPECT_EQ(curves->l1, (std::vector<double>{0.38, 0.19, 0.09}));
  EXPECT_EQ(curves->validation_step, (std::vector<double>{500, 1500}));
  EXPECT_EQ(curves->validation_ssim, (std::vector<double>{0.55, 0.65}));
}

TEST(TrainingCurvesTest, TheWeightAveragesValidationIsASecondSeries) {
  absl::StatusOr<TrainingCurves> curves = ReadLogText(
      "average", std::string(kHeader) + "500,1,0.40,0.38,0.02,4,0.1,0.55,0.07\n"
                                        "1000,2,0.30,0.29,0.01,4,0.1,0.60,0.07,0.62\n"
                                        "1050,3,0.30,0.29,0.01,4,0.1,,0.07,\n"
                                        "1500,4,0.10,0.09,0.01,4,0.1,0.65,0.07,0.68\n");
  ASSERT_TRUE(curves.ok()) << curves.status();
  EXPECT_EQ(curves->validation_ssim, (std::vector<double>{0.55, 0.60, 0.65}));
  EXPECT_EQ(curves->average_step, (std::vector<double>{1000, 1500}));
  EXPECT_EQ(curves->average_ssim, (std::vector<double>{0.62, 0.68}));
  const PlotSpec plot = ValidationPlot(*curves);
  ASSERT_EQ(plot.series.size(), 2u);
  EXPECT_EQ(plot.series[1].y, curves->average_ssim);
  // Without averaged rows there is one series.
  curves->average_step.clear();
  curves->average_ssim.clear();
  EXPECT_EQ(ValidationPlot(*curves).series.size(), 1u);
}

TEST(TrainingCurvesTest, NamesWhatItCannotRead) {
  EXPECT_EQ(ReadTrainingLog("/nonexistent/log.csv").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadLogText("notalog", "a,b,c\n1,2,3\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status status = ReadLogText("badrow", std::string(kHeader) +
                                                        "50,1,0.4,0.3,0.1,4,0.1,\n"
                                                        "100,2,oops,0.3,0.1,4,0.1,\n")
                                  .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("line 3"), std::string::npos) << status.message();
  EXPECT_EQ(ReadLogText("badaverage",
                        std::string(kHeader) + "50,1,0.4,0.3,0.1,4,0.1,0.5,0.07,zero\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TrainingCurvesTest, LossIsAveragedOverBinsOfSteps) {
  TrainingCurves curves;
  curves.step = {250, 500, 750, 1000, 1250};
  curves.loss = {0.5, 0.3, 0.2, 0.2, 0.1};
  curves.l1 = {0.4, 0.2, 0.1, 0.1, 0.05};
  const PlotSpec plot = LossPlot(curves, 500);
  ASSERT_EQ(plot.series.size(), 2u);
  EXPECT_EQ(plot.series[0].x, (std::vector<double>{500, 1000, 1500}));
  ASSERT_EQ(plot.series[0].y.size(), 3u);
  EXPECT_DOUBLE_EQ(plot.series[0].y[0], 0.4);
  EXPECT_DOUBLE_EQ(plot.series[0].y[1], 0.2);
  EXPECT_DOUBLE_EQ(plot.series[0].y[2], 0.1);
  EXPECT_DOUBLE_EQ(plot.series[1].y[0], 0.3);
  EXPECT_FALSE(plot.log_x);
  EXPECT_FALSE(plot.markers);
  // Round ticks over the whole run, not one per point.
  EXPECT_EQ(plot.x_ticks, (std::vector<double>{0, 500, 1000}));
}

TEST(TrainingCurvesTest, ChartsLabelRoundStepsAndDrawNoDotsOnTheLossCurve) {
  TrainingCurves curves;
  for (int step = 50; step <= 20000; step += 50) {
    curves.step.push_back(step);
    curves.loss.push_back(0.5 - step * 1e-5);
    curves.l1.push_back(0.45 - step * 1e-5);
    if (step % 500 == 0) {
      curves.validation_step.push_back(step);
      curves.validation_ssim.push_back(0.4 + step * 1e-5);
    }
  }
  const std::string loss = RenderSvgPlot(LossPlot(curves));
  EXPECT_EQ(loss.find("<circle"), std::string::npos);
  EXPECT_NE(loss.find(">5000<"), std::string::npos);
  EXPECT_NE(loss.find(">20000<"), std::string::npos);
  EXPECT_EQ(loss.find(">2500<"), std::string::npos);
  const std::string validation = RenderSvgPlot(ValidationPlot(curves));
  size_t dots = 0;
  for (size_t at = validation.find("<circle"); at != std::string::npos;
       at = validation.find("<circle", at + 1)) {
    ++dots;
  }
  EXPECT_EQ(dots, 40u);
}

}  // namespace
}  // namespace vmm::train::eval
