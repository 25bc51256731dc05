/// Persistence: the node state kept on disk.
public enum Persistence {}
