// mod_headers' `Header` line: parsing (httpd's errors, tern's refusals) and the edits.

#include "modules/headers/header_ops.h"

#include <gtest/gtest.h>

#include "http/request.h"
#include "http/response.h"

namespace tern {
namespace {

std::string parse(std::vector<std::string_view> args, HeaderOp* op = nullptr) {
  HeaderOp scratch;
  return parse_header_op(args, kRegexDefaultOptions, op ? op : &scratch);
}

TEST(HeaderOps, ParsesHttpdsForms) {
  HeaderOp op;
  EXPECT_EQ(parse({"always", "set", "X-A", "v %t", "env=!NO"}, &op), "");
  EXPECT_TRUE(op.always);
  EXPECT_EQ(op.action, HeaderOp::Action::kSet);
  EXPECT_EQ(op.env, "NO");
  EXPECT_TRUE(op.env_negated);
  ASSERT_EQ(op.value.size(), 2u);
  EXPECT_EQ(op.value[1].kind, HeaderValuePart::Kind::kRequestTime);
  HeaderOp unset;
  EXPECT_EQ(parse({"unset", "X-B:", "env=V"}, &unset), "");  // a trailing colon is dropped
  EXPECT_EQ(unset.name, "X-B");
  EXPECT_EQ(unset.env, "V");
  EXPECT_EQ(parse({"ONSUCCESS", "Edit*", "X", "a(b)", "$1"}), "");
  EXPECT_EQ(parse({"echo", "^X-"}), "");
}

TEST(HeaderOps, RefusesWithHttpdsWords) {
  EXPECT_EQ(parse({"frob", "X", "v"}),
            "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', "
            "'echo', 'note', 'edit', or 'edit*'.");
  EXPECT_EQ(parse({"set", "X"}), "Header requires three arguments");
  EXPECT_EQ(parse({"edit", "X", "a"}), "Header edit requires a match and a substitution");
  EXPECT_EQ(parse({"edit", "X", "(", "b"}), "Header edit regex could not be compiled");
  EXPECT_EQ(parse({"unset", "X", "env=A", "env=B"}), "header unset takes two arguments");
  EXPECT_EQ(parse({"set", "X", "v", "bogus"}), "Unknown parameter: bogus");
  EXPECT_EQ(parse({"set", "X", "v", "env="}),
            "error: missing environment variable name. envclause should be in the form "
            "env=envar ");
  EXPECT_EQ(parse({"set", "X", "%z"}), "Unrecognized header format %z");
  EXPECT_EQ(parse({"set", "X", "v", "env=A", "more"}), "Too many arguments to directive");
  // What tern does not do is refused, never ignored.
  for (auto args : std::vector<std::vector<std::string_view>>{{"set", "X", "v", "early"},
                                                              {"note", "X", "n"},
                                                              {"set", "X", "expr=%{REQUEST_URI}"},
                                                              {"set", "X", "v", "expr=true"},
                                                              {"set", "X", "%l"}}) {
    EXPECT_NE(parse(args).find("not supported by tern"), std::string::npos) << args[0];
  }
}

Response apply(const std::vector<std::vector<std::string_view>>& lines, std::string fields,
               bool error_page = false, const Request* req = nullptr) {
  std::vector<HeaderOp> always, onsuccess;
  for (const auto& l : lines) {
    HeaderOp op;
    EXPECT_EQ(parse(l, &op), "");
    (op.always ? always : onsuccess).push_back(std::move(op));
  }
  Response resp;
  resp.fields = std::move(fields);
  resp.error_page = error_page;
  resp.set_env("E", "x\ny");
  HeadFixupContext ctx;
  ctx.req = req;
  ctx.request_start_us = 42;
  apply_header_ops(always, onsuccess, ctx, resp);
  return resp;
}

TEST(HeaderOps, EditsTheTablesAsHttpd) {
  Response r = apply({{"set", "A", "1"},
                      {"append", "A", "2"},
                      {"merge", "A", "2"},
                      {"add", "B", "%{E}e %{NONE}e %t %%"},
                      {"unset", "C"},
                      {"setifempty", "D", "new"},
                      {"setifempty", "A", "no"},
                      {"always", "set", "F", "err"}},
                     "A: 0\r\nC: gone\r\nA: dup\r\nD: old\r\n");
  // The always table comes first (httpd overlays err_headers_out before headers_out).
  EXPECT_EQ(r.fields, "F: err\r\nA: 1, 2\r\nD: old\r\nB: x y (null) t=42 %\r\n");
  r = apply({{"set", "A", "1"}, {"always", "set", "F", "err"}}, "X: y\r\n", true);
  EXPECT_EQ(r.fields, "F: err\r\nX: y\r\n");  // an error page: only `always`
}

TEST(HeaderOps, EditAllAfterAnEmptyMatchMovesOn) {
  Response r = apply({{"edit*", "A", "x*", "-"}, {"edit", "B", "^a", "A"}}, "A: abc\r\nB: aaa\r\n");
  EXPECT_EQ(r.fields, "A: -a-b-c-\r\nB: Aaa\r\n");
}

TEST(HeaderOps, EchoCopiesMatchingRequestFields) {
  Request req;
  req.headers = {{"X-Trace", "1"}, {"Other", "2"}, {"X-Trace-B", "3"}};
  Response r = apply({{"echo", "^X-Trace"}}, "", false, &req);
  EXPECT_EQ(r.fields, "X-Trace: 1\r\nX-Trace-B: 3\r\n");
}

}  // namespace
}  // namespace tern
