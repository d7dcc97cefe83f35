#include "mpm/admission.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

// httpd 2.4's mpm_event documentation, AsyncRequestWorkerFactor: ThreadsPerChild 10,
// ServerLimit 4, factor 2. With 4 idle workers per process on average the server
// takes (10 + 2*4) * 4 = 72 connections; with every worker idle (10 + 2*10) * 4 = 120.
TEST(Admission, HttpdDocumentedExamples) {
  EXPECT_EQ(4 * admission_limit(10, 2.0, 4), 72);
  EXPECT_EQ(4 * admission_limit(10, 2.0, 10), 120);
}

TEST(Admission, TransitionsAtTheBound) {
  EXPECT_TRUE(admission_allows(21, 10, 2.0, 6));
  EXPECT_FALSE(admission_allows(22, 10, 2.0, 6));
  // One more worker becomes idle: the bound rises by the factor.
  EXPECT_TRUE(admission_allows(22, 10, 2.0, 7));
  // Fractional factors round down.
  EXPECT_EQ(admission_limit(10, 0.5, 3), 11);
}

}  // namespace
}  // namespace tern
