// TracedDatabase: an SQLite connection whose every statement runs under a span.
// (Bazel: //instrument/sql:sqlite.)
//
//   zspan::sql::TracedDatabase db("orders.db");               // or ":memory:"
//   db.exec("CREATE TABLE items (id INTEGER, name TEXT); INSERT INTO items VALUES (1, 'a')");
//   db.query("SELECT name FROM items WHERE id > ? AND name <> ?",
//            [&](const zspan::sql::Row& row) { names.emplace_back(row.text(0)); }, 0, "b");
//
// Each statement is one span, a child of the current span (a root of the default tracer
// without one), named after its first keyword (SELECT, INSERT, ...; "sqlite" for others),
// covering its steps (it starts once the statement is prepared, so that text with no
// statement left, a trailing comment, makes none; a statement that fails to prepare
// has its span). Its attributes: span.kind client, db.system
// "sqlite", db.namespace (the file name given), db.statement (OpenTelemetry's
// db.query.text) kept whole up to ZSPAN_SQL_STATEMENT_BYTES (default 2048; longer ones are
// cut there, marked truncated and counted in sql_drops()), and db.rows_affected
// (sqlite3_changes64) for statements that write. A failure ends the span failed with
// SQLite's message as the error and its error string as error.type; the SQLite result
// code is returned as SQLite would.
//
// exec() runs every statement of its text (up to a NUL, as SQLite reads it), in order, and
// stops at the first failure.
// query() runs the first statement only, binding the values given (integers, floating
// point, strings — bound without a copy, as they live through the call — and nullptr for
// NULL) and calling on_row(const Row&) for each row; on_row may return false to stop. An
// exception out of on_row ends the span failed and goes on to the caller; the statement
// is finalized. Nothing here throws or allocates beyond what SQLite does; the connection
// is as thread-safe as SQLite's threading mode makes it.
#pragma once

#include <sqlite3.h>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "zspan/instrument/current_exception.hpp"
#include "zspan/instrument/scoped_span.hpp"

#ifndef ZSPAN_SQL_STATEMENT_BYTES
#define ZSPAN_SQL_STATEMENT_BYTES 2048
#endif

namespace zspan::sql {

inline constexpr unsigned kMaxStatementBytes = ZSPAN_SQL_STATEMENT_BYTES;
static_assert(kMaxStatementBytes >= 8 && kMaxStatementBytes <= 65535, "ZSPAN_SQL_STATEMENT_BYTES must be in [8, 65535]");
// The statement and the other attributes, an error message of ZSPAN_MAX_STRING_BYTES.
inline constexpr unsigned kSqlSpanFieldBytes = (kMaxStatementBytes + 15) / 16 * 16 + 512;

struct SqlDrops {
  std::uint64_t statements_truncated = 0;  // longer than ZSPAN_SQL_STATEMENT_BYTES
};

SqlDrops sql_drops() noexcept;

// A row of a query's result, valid during the on_row call.
class Row {
 public:
  explicit Row(sqlite3_stmt* statement) noexcept : statement_(statement) {}
  int columns() const noexcept { return sqlite3_column_count(statement_); }
  bool is_null(int column) const noexcept { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const noexcept { return sqlite3_column_int64(statement_, column); }
  double real(int column) const noexcept { return sqlite3_column_double(statement_, column); }
  std::string_view text(int column) const noexcept {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string_view();
  }
  sqlite3_stmt* statement() const noexcept { return statement_; }

 private:
  sqlite3_stmt* statement_;
};

class TracedDatabase;

namespace detail {

// One statement under its span: prepared from the front of `sql` (which it then no longer
// holds), finalized with the span's end. No span when `sql` holds no statement.
class TracedStatement {
 public:
  TracedStatement(const TracedDatabase& db, std::string_view& sql) noexcept;
  ~TracedStatement();
  TracedStatement(const TracedStatement&) = delete;
  TracedStatement& operator=(const TracedStatement&) = delete;

  // SQLITE_OK when prepared; statement() is null for text with no statement left.
  int prepared() const noexcept { return prepared_; }
  sqlite3_stmt* statement() const noexcept { return statement_; }
  int bind(int index, std::nullptr_t) noexcept { return sqlite3_bind_null(statement_, index); }
  int bind(int index, double value) noexcept { return sqlite3_bind_double(statement_, index, value); }
  int bind(int index, std::string_view value) noexcept {
    return sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  template <std::integral I>
  int bind(int index, I value) noexcept {
    return sqlite3_bind_int64(statement_, index, static_cast<sqlite3_int64>(value));
  }
  // Records the outcome: SQLITE_DONE (or SQLITE_OK) succeeds, anything else fails.
  int finish(int result) noexcept;
  void record_exception() noexcept {
    if (span_) record_current_exception(*span_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  int prepared_;
  std::optional<BasicScopedSpan<kSqlSpanFieldBytes>> span_;  // ends before the statement is finalized
};

}  // namespace detail

class TracedDatabase {
 public:
  static constexpr int kDefaultFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  explicit TracedDatabase(const char* filename, int flags = kDefaultFlags) noexcept;
  ~TracedDatabase();
  TracedDatabase(const TracedDatabase&) = delete;
  TracedDatabase& operator=(const TracedDatabase&) = delete;

  // False when the database could not be opened; exec and query then return SQLITE_MISUSE.
  bool ok() const noexcept { return db_ != nullptr; }
  int open_result() const noexcept { return open_result_; }
  sqlite3* handle() const noexcept { return db_; }
  std::string_view name() const noexcept { return name_; }

  int exec(std::string_view sql) noexcept;

  template <class OnRow, class... Binds>
  int query(std::string_view sql, OnRow&& on_row, const Binds&... binds) {
    if (!db_) return SQLITE_MISUSE;
    detail::TracedStatement statement(*this, sql);
    if (statement.prepared() != SQLITE_OK || !statement.statement()) return statement.finish(statement.prepared());
    [[maybe_unused]] int index = 0;
    int result = SQLITE_OK;
    ((result = result == SQLITE_OK ? statement.bind(++index, bind_value(binds)) : result), ...);
    if (result != SQLITE_OK) return statement.finish(result);
    while ((result = sqlite3_step(statement.statement())) == SQLITE_ROW) {
      try {
        const Row row(statement.statement());
        if constexpr (std::is_same_v<std::invoke_result_t<OnRow&, const Row&>, bool>) {
          if (!on_row(row)) return statement.finish(SQLITE_DONE);
        } else {
          on_row(row);
        }
      } catch (...) {
        statement.record_exception();
        throw;
      }
    }
    return statement.finish(result);
  }

 private:
  friend class detail::TracedStatement;

  template <class V>
  static auto bind_value(const V& value) noexcept {
    if constexpr (std::is_convertible_v<const V&, std::string_view>)
      return std::string_view(value);
    else if constexpr (std::is_same_v<V, std::nullptr_t> || std::integral<V> || std::floating_point<V>)
      return value;
    else
      static_assert(std::is_same_v<V, void>, "query binds integers, floating point, strings and nullptr");
  }

  sqlite3* db_ = nullptr;
  int open_result_;
  std::string name_;
};

}  // namespace zspan::sql
