/// TUI: the terminal user interface.
public enum TUI {}
