// Result and Status (include/capsule/result.h): what they hold, and that a misuse fails loudly in every build.
#include "capsule/result.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

namespace capsule {
namespace {

Result<std::string> Named(bool ok) {
  if (!ok) return Fail(ErrorCode::kNotFound, "no name");
  return std::string("capsule");
}

TEST(ResultTest, HoldsAValueOrAnError) {
  auto named = Named(true);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, "capsule");
  EXPECT_EQ(named->size(), 7u);
  auto missing = Named(false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no name");
  EXPECT_EQ(missing.take_error().message, "no name");
  Status done = Status::Ok();
  EXPECT_TRUE(done.ok());
  Status failed = Fail(ErrorCode::kIo, "disk");
  EXPECT_EQ(failed.error().message, "disk");
}

#ifdef NDEBUG
TEST(ResultTest, AMisuseThrowsInBuildsWithoutAssertions) {
  auto missing = Named(false);
  EXPECT_THROW((void)missing.value(), std::bad_variant_access);
  auto named = Named(true);
  EXPECT_THROW((void)named.error(), std::bad_variant_access);
  Status done;
  EXPECT_THROW((void)done.error(), std::bad_optional_access);
  EXPECT_THROW((void)done.take_error(), std::bad_optional_access);
}
#else
TEST(ResultTest, AMisuseIsAnAssertionInDebugBuilds) {
  auto missing = Named(false);
  EXPECT_DEATH((void)missing.value(), "ok\\(\\)");
  Status done;
  EXPECT_DEATH((void)done.error(), "!ok\\(\\)");
}
#endif

}  // namespace
}  // namespace capsule
