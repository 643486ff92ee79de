// The parts of ncursesw that Swift cannot import directly (macros), as inline functions.
#ifndef BLEX_CNCURSESW_SHIM_H
#define BLEX_CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

static inline WINDOW *blex_stdscr(void) { return stdscr; }
static inline int blex_lines(void) { return LINES; }
static inline int blex_cols(void) { return COLS; }
static inline int blex_colors(void) { return COLORS; }
static inline int blex_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t blex_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t blex_a_bold(void) { return A_BOLD; }
static inline attr_t blex_a_dim(void) { return A_DIM; }
static inline attr_t blex_a_reverse(void) { return A_REVERSE; }
static inline attr_t blex_a_underline(void) { return A_UNDERLINE; }
static inline int blex_key_f(int n) { return KEY_F(n); }
static inline mmask_t blex_mouse_mask(void) {
#ifdef BUTTON5_PRESSED
    return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED;
#else
    return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED;
#endif
}
static inline int blex_is_click(mmask_t m) { return (m & (BUTTON1_CLICKED | BUTTON1_PRESSED)) != 0; }
static inline int blex_is_wheel_up(mmask_t m) { return (m & BUTTON4_PRESSED) != 0; }
static inline int blex_is_wheel_down(mmask_t m) {
#ifdef BUTTON5_PRESSED
    return (m & BUTTON5_PRESSED) != 0;
#else
    return 0;
#endif
}
static inline int blex_draw(int y, int x, const char *utf8, attr_t attrs, int pair) {
    attr_set(attrs, (short)pair, NULL);
    return mvaddstr(y, x, utf8);
}
#endif
