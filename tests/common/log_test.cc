// common/log: the one line format of vmm-server and vmm-worker.
#include "common/log.h"

#include <gtest/gtest.h>

namespace vmm::common {
namespace {

TEST(LogTest, ServerLinesHaveTimeLevelAndMessage) {
  EXPECT_EQ(FormatLogLine("2024-05-01T12:00:00.123Z", LogLevel::kInfo, "", "stopped"),
            "2024-05-01T12:00:00.123Z INFO stopped\n");
  EXPECT_EQ(FormatLogLine("T", LogLevel::kWarning, "", "slow"), "T WARN slow\n");
  EXPECT_EQ(FormatLogLine("T", LogLevel::kError, "", "broken"), "T ERROR broken\n");
}

TEST(LogTest, WorkerLinesNameTheSource) {
  EXPECT_EQ(FormatLogLine("2024-05-01T12:00:00.123Z", LogLevel::kWarning, "vmm-worker[w1]",
                          "disconnected: gone"),
            "2024-05-01T12:00:00.123Z WARN vmm-worker[w1] disconnected: gone\n");
}

TEST(LogTest, MessagesAreDataNotFormats) {
  EXPECT_EQ(FormatLogLine("T", LogLevel::kInfo, "", "100% %s done"), "T INFO 100% %s done\n");
}

}  // namespace
}  // namespace vmm::common
