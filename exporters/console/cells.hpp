// Text for a terminal, cell by cell: how the console waterfall shows any string safely and
// lines its columns up.
//
//   zspan::console::visible("a\nb");             // a\nb: escaped, one line whatever the input
//   zspan::console::columns("naïve");            // 5 cells
//   zspan::console::cut("GET /users/42", 8);     // "GET /us…"
//
// The rules:
//  - visible(): valid UTF-8 is kept as it is. C0 controls, DEL and bytes that are not UTF-8
//    become \n, \r, \t or \xNN; C1 controls and invisible formatting characters
//    (bidirectional overrides and isolates, zero-width spaces, the BOM) become \uNNNN. So no
//    text can move the cursor, change colors, reorder a line or break the layout.
//    append_quoted() writes a string value: the same, in double quotes, with " and \ escaped.
//  - columns(): the cells visible text takes: combining marks 0, East Asian wide characters
//    and emoji 2, others 1 (a short table after Unicode's EastAsianWidth; terminals differ
//    on a few characters).
//  - cut(): at most n cells, a final "…" marking that text was cut; wrap(): pieces of at
//    most n cells each, split after a space when one falls in the second half of the piece.
//    Both cut between characters, never inside one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zspan::console {

void append_visible(std::string& out, std::string_view text);
void append_quoted(std::string& out, std::string_view text);
std::string visible(std::string_view text);

std::size_t columns(std::string_view visible_text) noexcept;
std::string cut(std::string_view visible_text, std::size_t cells);
std::vector<std::string_view> wrap(std::string_view visible_text, std::size_t cells);

}  // namespace zspan::console
