#include "zspan/instrument/sql/traced_database.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "zspan/instrument/macros.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

using zspan::testing::error_message;
using zspan::testing::flushed;
using zspan::testing::int_tag;
using zspan::testing::MemoryTracer;
using zspan::testing::span_named;
using zspan::testing::string_tag;
using zspan::sql::Row;

class TracedDatabase : public testing::Test {
 protected:
  void SetUp() override {
    zspan::set_default_tracer(&tracer_);
    ASSERT_TRUE(db_.ok());
  }
  void TearDown() override { zspan::set_default_tracer(nullptr); }
  std::vector<zspan::SpanData> spans() {
    return flushed(tracer_);
  }

  MemoryTracer tracer_{"orders"};
  zspan::sql::TracedDatabase db_{":memory:"};
};

TEST_F(TracedDatabase, ExecMakesASpanPerStatement) {
  {
    TRACE_SCOPE("request");
    ASSERT_EQ(db_.exec("CREATE TABLE items (id INTEGER, name TEXT);\n"
                       "insert into items VALUES (1, 'a'), (2, 'b');\n"),
              SQLITE_OK);
  }
  const auto all = spans();
  ASSERT_EQ(all.size(), 3u);
  const zspan::SpanData& request = span_named(all, "request");
  const zspan::SpanData& create = span_named(all, "CREATE");
  const zspan::SpanData& insert = span_named(all, "INSERT");
  EXPECT_EQ(create.parent_id, request.span_id);
  EXPECT_EQ(insert.parent_id, request.span_id);
  EXPECT_EQ(string_tag(create, "db.statement"), "CREATE TABLE items (id INTEGER, name TEXT);");
  EXPECT_EQ(string_tag(insert, "db.statement"), "insert into items VALUES (1, 'a'), (2, 'b');");
  EXPECT_EQ(string_tag(insert, "db.type"), "sqlite");
  EXPECT_EQ(string_tag(insert, "db.instance"), ":memory:");
  EXPECT_EQ(string_tag(insert, "span.kind"), "client");
  EXPECT_EQ(int_tag(insert, "db.rows_affected"), 2);
  EXPECT_FALSE(insert.error);
}

TEST_F(TracedDatabase, QueryBindsAndReadsRows) {
  ASSERT_EQ(db_.exec("CREATE TABLE items (id INTEGER, name TEXT, price REAL);"
                     "INSERT INTO items VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, 'c', 3.0)"),
            SQLITE_OK);
  spans();
  tracer_.exporter().clear();
  std::vector<std::string> names;
  EXPECT_EQ(db_.query("SELECT name, price FROM items WHERE id > ? AND name <> ? ORDER BY id",
                      [&](const Row& row) {
                        names.emplace_back(row.text(0));
                        EXPECT_EQ(row.is_null(1), names.size() == 1);
                      },
                      1, std::string("x")),
            SQLITE_DONE);
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c"}));
  int seen = 0;
  EXPECT_EQ(db_.query("SELECT id FROM items", [&](const Row&) { return ++seen < 2; }), SQLITE_DONE);
  EXPECT_EQ(seen, 2);
  const auto all = spans();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "SELECT");
  EXPECT_EQ(all[0].tag("db.rows_affected"), nullptr);  // a read
  EXPECT_FALSE(all[0].error);
}

TEST_F(TracedDatabase, AFailureEndsTheSpanWithSqlitesMessage) {
  EXPECT_EQ(db_.exec("SELECT * FROM missing"), SQLITE_ERROR);
  EXPECT_EQ(db_.exec("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1); "
                     "INSERT INTO t VALUES (2)"),
            SQLITE_CONSTRAINT);
  const auto all = spans();
  ASSERT_EQ(all.size(), 4u);  // the last INSERT never ran
  EXPECT_TRUE(all[0].error);
  EXPECT_EQ(error_message(all[0]), "no such table: missing");
  EXPECT_TRUE(all[3].error);
  EXPECT_EQ(string_tag(all[3], "error.type"), sqlite3_errstr(SQLITE_CONSTRAINT));
  int rows = 0;
  EXPECT_EQ(db_.query("SELECT id FROM t", [&](const Row&) { ++rows; }), SQLITE_DONE);
  EXPECT_EQ(rows, 1);
}

TEST_F(TracedDatabase, LongStatementsAreKeptWholeUpToTheLimitThenCutAndCounted) {
  const std::string kept = "SELECT '" + std::string(zspan::sql::kMaxStatementBytes - 10, 'k') + "'";
  const std::string cut = "SELECT '" + std::string(zspan::sql::kMaxStatementBytes, 'c') + "'";
  const std::uint64_t truncated = zspan::sql::sql_drops().statements_truncated;
  EXPECT_EQ(db_.exec(kept), SQLITE_OK);
  EXPECT_EQ(db_.exec(cut), SQLITE_OK);
  const auto all = spans();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(string_tag(all[0], "db.statement"), kept);
  EXPECT_FALSE(all[0].tag("db.statement")->truncated);
  EXPECT_EQ(string_tag(all[1], "db.statement"), cut.substr(0, zspan::sql::kMaxStatementBytes));
  EXPECT_TRUE(all[1].tag("db.statement")->truncated);
  EXPECT_EQ(all[1].dropped_fields, 0u);
  EXPECT_EQ(zspan::sql::sql_drops().statements_truncated, truncated + 1);
}

TEST_F(TracedDatabase, AnExceptionFromARowCallbackFailsTheSpanAndGoesOn) {
  EXPECT_THROW(db_.query("SELECT 1", [](const Row&) { throw std::runtime_error("bad row"); }), std::runtime_error);
  const auto all = spans();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].error);
  EXPECT_EQ(error_message(all[0]), "bad row");
}

TEST_F(TracedDatabase, BadInputIsSafe) {
  EXPECT_EQ(db_.exec(""), SQLITE_OK);
  EXPECT_EQ(db_.exec("   \n"), SQLITE_OK);
  EXPECT_EQ(db_.exec(std::string_view("SELECT 1\0junk", 13)), SQLITE_OK);
  EXPECT_EQ(db_.exec("SELECT 2; -- the end\n"), SQLITE_OK);
  EXPECT_EQ(db_.exec("SELEC"), SQLITE_ERROR);
  EXPECT_EQ(db_.query("SELECT ?", [](const Row&) {}, 1, 2), SQLITE_RANGE);
  zspan::sql::TracedDatabase closed(nullptr);
  EXPECT_FALSE(closed.ok());
  EXPECT_EQ(closed.exec("SELECT 1"), SQLITE_MISUSE);
  zspan::sql::TracedDatabase unopenable("/nonexistent/dir/x.db", SQLITE_OPEN_READWRITE);
  EXPECT_FALSE(unopenable.ok());
  EXPECT_EQ(unopenable.open_result(), SQLITE_CANTOPEN);
  std::vector<std::string> names;
  std::vector<bool> failed;
  for (const zspan::SpanData& span : spans()) {
    names.push_back(span.name + ":" + string_tag(span, "db.statement"));
    failed.push_back(span.error);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"SELECT:SELECT 1", "SELECT:SELECT 2;", "sqlite:SELEC", "SELECT:SELECT ?"}));
  EXPECT_EQ(failed, (std::vector<bool>{false, false, true, true}));
}

}  // namespace
