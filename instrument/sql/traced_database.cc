#include "zspan/instrument/sql/traced_database.hpp"

#include <array>
#include <atomic>
#include <cctype>
#include <climits>

#include "zspan/instrument/macros.hpp"
#include "zspan/instrument/semconv.hpp"
#include "zspan/trace/internal/recording.hpp"

namespace zspan::sql {
namespace {

std::atomic<std::uint64_t> g_statements_truncated{0};

constexpr Callsite statement_callsite(std::string_view name) noexcept {
  return {name, "zspan::sql::TracedDatabase", __FILE__, __LINE__, Level::kInfo};
}

constexpr std::array kCallsites{
    statement_callsite("SELECT"),  statement_callsite("INSERT"), statement_callsite("UPDATE"),
    statement_callsite("DELETE"),  statement_callsite("REPLACE"), statement_callsite("WITH"),
    statement_callsite("CREATE"),  statement_callsite("DROP"),   statement_callsite("ALTER"),
    statement_callsite("BEGIN"),   statement_callsite("COMMIT"), statement_callsite("ROLLBACK"),
    statement_callsite("PRAGMA"),  statement_callsite("sqlite"),
};

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The span name of the statement at the front of `sql`: its first keyword.
const Callsite& callsite_of(std::string_view sql) noexcept {
  std::size_t begin = 0;
  while (begin < sql.size() && is_space(sql[begin])) ++begin;
  for (const Callsite& callsite : kCallsites) {
    const std::string_view keyword = callsite.name;
    if (sql.size() - begin < keyword.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < keyword.size() && same; ++i) same = upper(sql[begin + i]) == keyword[i];
    const std::size_t after = begin + keyword.size();
    if (same && (after == sql.size() || !(std::isalnum(static_cast<unsigned char>(sql[after])) || sql[after] == '_')))
      return callsite;
  }
  return kCallsites.back();
}

}  // namespace

SqlDrops sql_drops() noexcept { return {g_statements_truncated.load(std::memory_order_relaxed)}; }

namespace detail {

TracedStatement::TracedStatement(const TracedDatabase& db, std::string_view& sql) noexcept : db_(db.db_) {
  while (!sql.empty() && is_space(sql.front())) sql.remove_prefix(1);
  const char* tail = sql.data() + sql.size();
  prepared_ = sql.size() > static_cast<std::size_t>(INT_MAX)
                  ? SQLITE_TOOBIG
                  : sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement_, &tail);
  const std::string_view text = sql.substr(0, static_cast<std::size_t>(tail - sql.data()));
  sql.remove_prefix(text.size());
  if (prepared_ == SQLITE_OK && !statement_) return;
  span_.emplace(zspan::detail::inherit_tracer, callsite_of(text));
  if (!span_->recording()) return;
  span_->tag(tags::span_kind, "client");
  span_->tag(tags::db_type, "sqlite");
  span_->tag(tags::db_instance, db.name_);
  if (!zspan::detail::set_long_string_tag(span_->node(), tags::db_statement, text, kMaxStatementBytes))
    g_statements_truncated.fetch_add(1, std::memory_order_relaxed);
}

TracedStatement::~TracedStatement() {
  span_.reset();
  sqlite3_finalize(statement_);
}

int TracedStatement::finish(int result) noexcept {
  if (!span_) return result;
  if (result == SQLITE_DONE || result == SQLITE_OK) {
    if (!sqlite3_stmt_readonly(statement_))
      span_->tag(semconv::db_rows_affected, static_cast<std::int64_t>(sqlite3_changes64(db_)));
    return result;
  }
  span_->tag(semconv::error_type, sqlite3_errstr(result));
  span_->log_error("{}", sqlite3_errmsg(db_));
  return result;
}

}  // namespace detail

TracedDatabase::TracedDatabase(const char* filename, int flags) noexcept {
  if (!filename) {
    open_result_ = SQLITE_MISUSE;
    return;
  }
  open_result_ = sqlite3_open_v2(filename, &db_, flags, nullptr);
  if (open_result_ != SQLITE_OK) {
    sqlite3_close(db_);
    db_ = nullptr;
    return;
  }
  try {
    name_ = filename;
  } catch (...) {
    // Out of memory: spans go without db.namespace.
  }
}

TracedDatabase::~TracedDatabase() { sqlite3_close(db_); }

int TracedDatabase::exec(std::string_view sql) noexcept {
  if (!db_) return SQLITE_MISUSE;
  sql = sql.substr(0, sql.find('\0'));  // where SQLite stops reading
  while (true) {
    detail::TracedStatement statement(*this, sql);
    if (statement.prepared() != SQLITE_OK) return statement.finish(statement.prepared());
    if (!statement.statement()) return SQLITE_OK;  // only spaces or comments were left
    int result;
    while ((result = sqlite3_step(statement.statement())) == SQLITE_ROW) {
    }
    if (result = statement.finish(result); result != SQLITE_DONE) return result;
  }
}

}  // namespace zspan::sql
