#include "faas/faas_route.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

template <class T>
T As(const FaasRoute& route) {
  EXPECT_TRUE(std::holds_alternative<T>(route)) << "route index " << route.index();
  return std::holds_alternative<T>(route) ? std::get<T>(route) : T{};
}

TEST(FaasRoute, AdminRoutes) {
  As<StartRoute>(RouteOf("POST", "/functions/start"));
  As<ProcessesRoute>(RouteOf("GET", "/functions/processes"));
  As<ApplyRoute>(RouteOf("POST", "/functions/apply"));
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/apply")).status, 405);
  auto dup = As<DuplicateRoute>(RouteOf("PUT", "/functions/duplicate/hello/blue/green"));
  EXPECT_EQ(dup.name, "hello");
  EXPECT_EQ(dup.revision, "blue");
  EXPECT_EQ(dup.new_revision, "green");
  auto drop = As<DropRoute>(RouteOf("DELETE", "/functions/drop/hello"));
  EXPECT_EQ(drop.revision, "default");
  EXPECT_FALSE(drop.index);
  auto route = As<RouteRoute>(RouteOf("PUT", "/functions/route/hello/green"));
  EXPECT_EQ(route.name, "hello");
  EXPECT_EQ(route.revision, "green");
  EXPECT_FALSE(As<RouteRoute>(RouteOf("DELETE", "/functions/route/hello")).revision);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/route/hello/green")).status, 405);
  EXPECT_EQ(As<BadRoute>(RouteOf("PUT", "/functions/route/hello")).status, 404);
  drop = As<DropRoute>(RouteOf("DELETE", "/functions/drop/hello/blue/2"));
  EXPECT_EQ(drop.revision, "blue");
  EXPECT_EQ(drop.index, 2u);
}

TEST(FaasRoute, AdminWordsWithTheWrongMethodOrShapeAreNotCalls) {
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/start")).status, 405);
  EXPECT_EQ(As<BadRoute>(RouteOf("POST", "/functions/processes")).status, 405);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/drop/hello")).status, 405);
  EXPECT_EQ(As<BadRoute>(RouteOf("PUT", "/functions/duplicate/a/b")).status, 404);
  EXPECT_EQ(As<BadRoute>(RouteOf("DELETE", "/functions/drop/a/b/c/d")).status, 404);
  EXPECT_EQ(As<BadRoute>(RouteOf("DELETE", "/functions/drop/a/b/x")).status, 400);
  EXPECT_EQ(As<BadRoute>(RouteOf("POST", "/functions/start/x")).status, 404);
}

TEST(FaasRoute, CallsKeepTheirSubPathAndQuery) {
  auto call = As<CallRoute>(RouteOf("POST", "/functions/hello"));
  EXPECT_EQ(call.name, "hello");
  EXPECT_EQ(call.revision, "default");
  EXPECT_EQ(call.target, "/");
  call = As<CallRoute>(RouteOf("GET", "/functions/hello/?x=1"));
  EXPECT_EQ(call.revision, "default");
  EXPECT_EQ(call.target, "/?x=1");
  call = As<CallRoute>(RouteOf("GET", "/functions/hello/blue?x=1&y=%20"));
  EXPECT_EQ(call.revision, "blue");
  EXPECT_EQ(call.target, "/?x=1&y=%20");
  call = As<CallRoute>(RouteOf("PATCH", "/functions/hello/default/a/b%2Fc/?x=1"));
  EXPECT_EQ(call.target, "/a/b%2Fc/?x=1");
  call = As<CallRoute>(RouteOf("GET", "/functions/hello/blue/"));
  EXPECT_EQ(call.target, "/");
  call = As<CallRoute>(RouteOf("GET", "/functions/my%2Dfn/v1.2"));
  EXPECT_EQ(call.name, "my-fn");
  EXPECT_EQ(call.revision, "v1.2");
}

TEST(FaasRoute, NamesAreCheckedAndOtherPathsAreTheFrontsOwn) {
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/..")).status, 400);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/a%2Fb")).status, 400);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/a/%zz")).status, 400);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions/")).status, 404);
  EXPECT_EQ(As<BadRoute>(RouteOf("GET", "/functions")).status, 404);
  As<OtherRoute>(RouteOf("GET", "/"));
  As<OtherRoute>(RouteOf("GET", "/health"));
  As<OtherRoute>(RouteOf("GET", "/functionsx/a"));
  EXPECT_TRUE(IsFunctionName("index.page"));
  EXPECT_FALSE(IsFunctionName(""));
  EXPECT_FALSE(IsFunctionName("a b"));
  EXPECT_FALSE(IsFunctionName(std::string(129, 'a')));
}

}  // namespace
}  // namespace capsule::faas
