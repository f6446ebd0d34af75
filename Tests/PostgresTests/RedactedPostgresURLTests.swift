import Postgres
import Testing

@Suite("redactedPostgresURL")
struct RedactedPostgresURLTests {
    @Test(
        "URL form",
        arguments: [
            ("postgresql://alice:s3cret@db.example.com:5432/sales", "postgresql://alice:***@db.example.com:5432/sales"),
            ("postgres://alice:s3cret@db/sales?sslmode=require", "postgres://alice:***@db/sales?sslmode=require"),
            ("postgresql://alice@db/sales", "postgresql://alice@db/sales"),
            ("postgresql://db.example.com/sales", "postgresql://db.example.com/sales"),
            ("postgresql:///sales?host=/tmp/sock&port=5433", "postgresql:///sales?host=/tmp/sock&port=5433"),
            ("postgresql://alice:p%40ss%3Aw%2Fd@db/sales", "postgresql://alice:***@db/sales"),
            ("postgresql://al%40ice:pw@db", "postgresql://al%40ice:***@db"),
            ("postgresql://alice:@db/sales", "postgresql://alice:***@db/sales"),
            ("postgresql://alice:pa@ss@db/sales", "postgresql://alice:***@db/sales"),
            (
                "postgresql://db/sales?user=bob&password=s3cret&sslmode=disable",
                "postgresql://db/sales?user=bob&password=***&sslmode=disable"
            ),
            ("postgresql://db/sales?pass%77ord=s3cret", "postgresql://db/sales?pass%77ord=***"),
            ("postgresql://a:x@h1:5432,h2:5433/sales", "postgresql://a:***@h1:5432,h2:5433/sales"),
            ("POSTGRESQL://alice:s3cret@db", "POSTGRESQL://alice:***@db"),
        ])
    func urlForm(url: String, redacted: String) {
        #expect(redactedPostgresURL(url) == redacted)
    }

    @Test(
        "key=value form",
        arguments: [
            ("host=db user=alice password=s3cret dbname=sales", "host=db user=alice password=*** dbname=sales"),
            ("host=db password='it\\'s a secret' dbname=sales", "host=db password='***' dbname=sales"),
            ("host=db password = 's3 cret'", "host=db password = '***'"),
            ("password=s3\\ cret host=db", "password=*** host=db"),
            ("host=/tmp/sock dbname=x", "host=/tmp/sock dbname=x"),
            ("  host=db   user=alice  ", "  host=db   user=alice  "),
            ("dbname='postgresql://alice:s3cret@db/sales'", "dbname='postgresql://alice:***@db/sales'"),
            ("dbname='host=db password=s3cret'", "dbname='host=db password=***'"),
            ("host=db password", "host=db ***"),
        ])
    func keywordForm(info: String, redacted: String) {
        #expect(redactedPostgresURL(info) == redacted)
    }

    @Test("a bare database name is left alone")
    func bareName() {
        #expect(redactedPostgresURL("sales") == "sales")
        #expect(redactedPostgresURL("") == "")
    }

    @Test("the password never survives, whatever it holds")
    func neverShown() {
        for password in ["s3cret", "with space", "quote'quote", "back\\slash", "ünïcødé"] {
            let escaped = password.replacing("\\", with: "\\\\").replacing("'", with: "\\'")
            let info = "host=db password='\(escaped)' user=u"
            #expect(!redactedPostgresURL(info).contains(password), "\(info)")
        }
    }
}
