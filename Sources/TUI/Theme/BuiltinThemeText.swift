/// The shipped themes compiled in, so the program works with no files installed. Generated from `themes/*.theme`;
/// a test checks these equal the files — edit the files and paste them here.
enum BuiltinThemeText {
    static let all: [(name: String, text: String)] = [
        ("default-dark", #"""
# default-dark: for dark terminal backgrounds. Format: see README.md ("Themes").
timestamp            = bright-black
own-nick             = bright-white bold
nick-palette         = red, green, yellow, blue, magenta, cyan, bright-red, bright-green, bright-yellow, bright-blue, bright-magenta, bright-cyan, 208, 141, 43, 205
text                 = default
system               = bright-black dim
mention              = bright-white on #5f0087 bold
unread-marker        = bright-red bold
sidebar              = default
sidebar-connected    = green
sidebar-disconnected = bright-black dim
status-line          = white on #303030
status-highlight     = bright-yellow on #303030 bold
input                = default
prompt               = bright-cyan bold
error                = bright-red bold
"""#),
        ("light", #"""
# light: for light terminal backgrounds (darker, saturated colours).
timestamp            = #808080
own-nick             = black bold
nick-palette         = #af0000, #008700, #875f00, #0000af, #870087, #005f87, #d75f00, #5f00d7, #00875f, #af005f
text                 = default
system               = #808080
mention              = black on #ffd75f bold
unread-marker        = #d70000 bold
sidebar              = default
sidebar-connected    = #008700
sidebar-disconnected = #a8a8a8
status-line          = black on #d0d0d0
status-highlight     = #af0000 on #d0d0d0 bold
input                = default
prompt               = #005f87 bold
error                = #d70000 bold
"""#),
        ("high-contrast", #"""
# high-contrast: bright colours on black, bold where it helps legibility.
timestamp            = white
own-nick             = bright-white bold underline
nick-palette         = bright-red bold, bright-green bold, bright-yellow bold, bright-blue bold, bright-magenta bold, bright-cyan bold
text                 = bright-white on black
system               = white
mention              = black on bright-yellow bold
unread-marker        = black on bright-red bold
sidebar              = bright-white on black
sidebar-connected    = bright-green bold
sidebar-disconnected = white
status-line          = black on bright-white bold
status-highlight     = black on bright-yellow bold
input                = bright-white on black
prompt               = bright-yellow bold
error                = bright-white on red bold
"""#),
        ("mono", #"""
# mono: no colours at all, emphasis by attributes only (also what every theme becomes without colour).
timestamp            = dim
own-nick             = bold
nick-palette         = default, underline
text                 = default
system               = dim
mention              = reverse bold
unread-marker        = bold
sidebar              = default
sidebar-connected    = bold
sidebar-disconnected = dim
status-line          = reverse
status-highlight     = reverse bold
input                = default
prompt               = bold
error                = bold underline
"""#),
    ]
}
