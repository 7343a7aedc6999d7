//! A row's `INSERT … RETURNING id` and the inserts that follow it and need its id (a request, its first
//! timeline event, its audit line), written as one (issue 15: "on PostgreSQL, batch the statements of an
//! action").
//!
//! On PostgreSQL a chain is **one statement**: the head and every later insert as data-modifying CTEs,
//! the later ones reading the head's id from it (`WITH xh_head AS (INSERT … RETURNING id), xh_1 AS
//! (INSERT … (SELECT id FROM xh_head) …) SELECT id FROM xh_head`). One statement is atomic by itself,
//! so a chain on the pool needs no `BEGIN` and `COMMIT` either: one round trip where a transaction
//! of three inserts took five. Foreign keys and row triggers are checked at the end of the statement, when
//! every part's row is there. On SQLite (whose CTEs cannot write) the parts run one after the other on the
//! caller's connection, which must then be a transaction or a write unit (`db::unit`): there a statement
//! costs no round trip anyway.
//!
//! A later part names the head's id as `$id`; its own parameters are numbered from `$1`, as in any
//! statement here. A later part must not read or change the head's row (on PostgreSQL the parts of one
//! statement do not see each other's rows): inserts only.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Value};

/// The placeholder a later part uses for the head's id.
pub const ID: &str = "$id";

struct Part {
    sql: String,
    values: Vec<Value>,
}

/// An `INSERT … RETURNING id` and the inserts that need its id.
pub struct Chain {
    head: Part,
    tail: Vec<Part>,
    check: Option<Part>,
}

impl Chain {
    /// The head: an `INSERT … RETURNING id`.
    pub fn new(sql: &str, values: Vec<Value>) -> Self {
        Self { head: Part { sql: sql.to_string(), values }, tail: Vec::new(), check: None }
    }

    /// A condition evaluated after the inserts, in the same statement, which raises an error to undo
    /// them all (e.g. `xh_auth_gate($1, …)`, `auth::gate`). PostgreSQL only: on SQLite a chain with a
    /// check is refused, so a caller gives one only where `is_one_statement` holds.
    pub fn check(&mut self, sql: &str, values: Vec<Value>) {
        self.check = Some(Part { sql: sql.to_string(), values });
    }

    /// A later insert, naming the head's id as `$id`.
    pub fn then(&mut self, sql: &str, values: Vec<Value>) {
        self.tail.push(Part { sql: sql.to_string(), values });
    }

    /// Write the chain on `conn` and return the head's id.
    pub async fn run(self, conn: &impl ConnectionTrait) -> Result<i64, DbErr> {
        match conn.get_database_backend() {
            DatabaseBackend::Postgres => {
                let (sql, values) = self.into_one_statement();
                super::insert_id(conn, &sql, values).await
            }
            _ if self.check.is_some() => Err(DbErr::Custom("a chain's check needs PostgreSQL".into())),
            _ => {
                let id = super::insert_id(conn, &self.head.sql, self.head.values).await?;
                for mut p in self.tail {
                    let sql = p.sql.replace(ID, &format!("${}", p.values.len() + 1));
                    p.values.push(id.into());
                    super::exec(conn, &sql, p.values).await?;
                }
                Ok(id)
            }
        }
    }

    /// Does a chain on `conn`'s backend write as one statement (so it needs no transaction of its own)?
    pub fn is_one_statement(backend: DatabaseBackend) -> bool {
        backend == DatabaseBackend::Postgres
    }

    /// PostgreSQL's one statement: the parts as CTEs, each later part's parameters numbered after those
    /// before it.
    fn into_one_statement(self) -> (String, Vec<Value>) {
        let mut sql = format!("WITH xh_head AS ({})", self.head.sql);
        let mut values = self.head.values;
        for (i, p) in self.tail.into_iter().enumerate() {
            let part = renumber(&p.sql.replace(ID, "(SELECT id FROM xh_head)"), values.len());
            sql.push_str(&format!(", xh_{} AS ({part})", i + 1));
            values.extend(p.values);
        }
        sql.push_str(" SELECT id FROM xh_head");
        if let Some(c) = self.check {
            // Evaluated for the head's one row, after every part has written.
            sql.push_str(&format!(" WHERE {}", renumber(&c.sql, values.len())));
            values.extend(c.values);
        }
        (sql, values)
    }
}

/// `sql` with every `$n` placeholder moved up by `by` (text between single quotes left alone).
fn renumber(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted || !chars.peek().is_some_and(char::is_ascii_digit) {
            out.push(c);
            continue;
        }
        let mut n = 0usize;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            n = n * 10 + d as usize;
            chars.next();
        }
        out.push_str(&format!("${}", n + by));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_move_up_and_quoted_text_does_not() {
        assert_eq!(renumber("VALUES ($1, $2, '$1', $10)", 3), "VALUES ($4, $5, '$1', $13)");
        assert_eq!(renumber("a = $9 AND b = $12", 0), "a = $9 AND b = $12");
        assert_eq!(renumber("price || '$' || $2", 5), "price || '$' || $7");
    }

    #[test]
    fn postgres_gets_one_statement_whose_parts_read_the_heads_id() {
        let mut c = Chain::new("INSERT INTO a (x, y) VALUES ($1, $2) RETURNING id", vec![1.into(), 2.into()]);
        c.then("INSERT INTO b (a_id, z) VALUES ($id, $1)", vec![3.into()]);
        c.then("INSERT INTO c (z, a_id, w) VALUES ($1, $id, $2)", vec![4.into(), 5.into()]);
        let (sql, values) = c.into_one_statement();
        assert_eq!(
            sql,
            "WITH xh_head AS (INSERT INTO a (x, y) VALUES ($1, $2) RETURNING id), \
             xh_1 AS (INSERT INTO b (a_id, z) VALUES ((SELECT id FROM xh_head), $3)), \
             xh_2 AS (INSERT INTO c (z, a_id, w) VALUES ($4, (SELECT id FROM xh_head), $5)) SELECT id FROM xh_head"
        );
        let v: Vec<i32> = values.into_iter().map(|v| if let Value::Int(Some(n)) = v { n } else { -1 }).collect();
        assert_eq!(v, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_check_comes_after_the_writes_with_its_own_placeholders() {
        let mut c = Chain::new("INSERT INTO a (x) VALUES ($1) RETURNING id", vec![1.into()]);
        c.then("INSERT INTO b (a_id, z) VALUES ($id, $1)", vec![2.into()]);
        c.check("gate($1, $2)", vec![3.into(), 4.into()]);
        let (sql, values) = c.into_one_statement();
        assert_eq!(
            sql,
            "WITH xh_head AS (INSERT INTO a (x) VALUES ($1) RETURNING id), \
             xh_1 AS (INSERT INTO b (a_id, z) VALUES ((SELECT id FROM xh_head), $2)) \
             SELECT id FROM xh_head WHERE gate($3, $4)"
        );
        assert_eq!(values.len(), 4);
    }
}
