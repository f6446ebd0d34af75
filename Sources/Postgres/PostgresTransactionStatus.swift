import CLibPQ

/// Where a connection stands between statements (libpq's PQtransactionStatus).
public enum PostgresTransactionStatus: Sendable, Equatable {
    /// No transaction open.
    case idle
    /// A statement is running (not seen between calls of a blocking connection).
    case active
    /// Inside BEGIN … COMMIT, every statement so far succeeded.
    case inTransaction
    /// Inside a transaction a statement failed in: only ROLLBACK helps.
    case failed
    /// The connection is closed or broken.
    case unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_ACTIVE: self = .active
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .failed
        default: self = .unknown
        }
    }
}
