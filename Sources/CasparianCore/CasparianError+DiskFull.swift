extension CasparianError {
    /// True for the error a write that ran out of space gets (its message
    /// starts `disk full: `), from any output target: the run stops rather
    /// than fail file after file.
    public var isDiskFull: Bool { kind == .environment && message.hasPrefix("disk full: ") }
}
