//! Many rows in a few statements: a statement per row costs a round trip to the database (on
//! SQLite, to the connection's thread and back), which for a crawl's records was most of what
//! writing them cost.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use super::StoreError;

/// Rows one statement carries at most (16 columns × 32 rows stays far under both databases'
/// limits on parameters).
const MAX_ROWS: usize = 32;

/// Rows up to which a statement carries exactly the rows there are (the page writer's groups
/// are mostly this small).
const EXACT_ROWS: usize = 8;

/// `rows` cut into statements of [`MAX_ROWS`] rows, then 16 and 8, the last at most
/// [`EXACT_ROWS`] exactly, so that a connection keeps few statement shapes prepared (ten per
/// kind of row) whatever the number of rows.
pub(super) fn chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = match rest.len() {
            n if n >= MAX_ROWS => MAX_ROWS,
            n if n > EXACT_ROWS => 1 << n.ilog2(),
            n => n,
        };
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
}

/// `($1, $2), ($3, $4)`: `rows` tuples of `width` numbered parameters.
pub(super) fn placeholders(rows: usize, width: usize) -> String {
    let mut out = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 1..=width {
            if c > 1 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * width + c).to_string());
        }
        out.push(')');
    }
    out
}

/// A statement with its parameters bound so far.
pub(super) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Runs `insert` (`INSERT INTO t (a, b, …)`, `width` columns) with `VALUES` for every row of
/// `rows`, a few statements in all; `bind` binds one row's `width` values in column order.
pub(super) async fn insert<T: 'static>(
    conn: &mut AnyConnection,
    insert: &str,
    width: usize,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<(), StoreError> {
    for chunk in chunks(rows) {
        let sql = format!("{insert} VALUES {}", placeholders(chunk.len(), width));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_cut_in_few_shapes() {
        let sizes = |n: usize| {
            let rows: Vec<usize> = (0..n).collect();
            let chunks: Vec<&[usize]> = chunks(&rows).collect();
            assert_eq!(chunks.concat(), rows, "every row once, in order");
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
        };
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(7), [7]);
        assert_eq!(sizes(13), [8, 5]);
        assert_eq!(sizes(31), [16, 8, 7]);
        assert_eq!(sizes(32), [32]);
        assert_eq!(sizes(77), [32, 32, 8, 5]);
    }

    #[test]
    fn placeholders_number_every_value() {
        assert_eq!(placeholders(1, 1), "($1)");
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
