//! Tables from disk: a CSV or TSV file with a header row, read with the `csv`
//! crate. Numeric columns become the values a model trains on; a column can be
//! named as the label (kept out of training, used for colours and to score
//! anomalies); columns of text are listed with the first cell that is not a
//! number and left out; empty cells (and NA, NaN, ?) are missing values.
//! Every refusal names the row or column and says what is allowed.
//!
//! `Standardised` then scales each column by the training split's mean and
//! deviation (`crate::data::split_order`), missing cells ignored.

use crate::data::split_order;
use crate::error::{Error, Result};

/// The largest file read, in bytes.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// The most columns a table may have.
pub const MAX_COLUMNS: usize = 2_000;
/// The most rows a table may have.
pub const MAX_ROWS: usize = 200_000;
/// The fewest rows: one each for training, validation and test.
pub const MIN_ROWS: usize = 3;
/// The most different values a label column may have (labels are bytes).
pub const MAX_CLASSES: usize = 256;

/// Cells that mean "no value".
const MISSING: [&str; 5] = ["", "na", "nan", "?", "null"];

/// A column left out, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeftOut {
    /// The column's name in the header.
    pub column: String,
    /// Why, in a sentence.
    pub reason: String,
}

/// A table as read: numeric columns, the label column's classes, what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The numeric columns used, in file order.
    pub columns: Vec<String>,
    /// rows × columns values, row after row; NaN where a cell is missing.
    pub values: Vec<f32>,
    /// Class of each row (index into `classes`), when a label column was named.
    pub labels: Option<Vec<u8>>,
    /// The label column's different values, in order of first appearance.
    pub classes: Vec<String>,
    /// Columns of text, left out.
    pub left_out: Vec<LeftOut>,
    /// Number of missing cells in the columns used.
    pub missing: usize,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        if self.columns.is_empty() {
            0
        } else {
            self.values.len() / self.columns.len()
        }
    }
}

fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    MISSING.iter().any(|m| c.eq_ignore_ascii_case(m))
}

/// The delimiter of a file: a tab if its first line has more tabs than commas, else a comma.
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| first.iter().filter(|&&b| b == d).count();
    if count(b'\t') > count(b',') {
        b'\t'
    } else {
        b','
    }
}

/// Reads `bytes` (UTF-8 CSV or TSV with a header row). `label`: the name of
/// the column to keep out of training as the label, if any.
pub fn read_table(bytes: &[u8], label: Option<&str>) -> Result<Table> {
    let refuse = |m: String| Err(Error::Data(m));
    if bytes.is_empty() {
        return refuse("the file is empty: a table needs a header row and at least 3 rows of values".into());
    }
    if bytes.len() > MAX_BYTES {
        return refuse(format!("the file has {} bytes; a table may have at most {MAX_BYTES} (50 MB)", bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::Data(format!("the file is not text (UTF-8) from byte {} on: is it a CSV or TSV file?", e.valid_up_to()))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(bytes))
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Data(format!("the header row cannot be read: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.len() > MAX_COLUMNS {
        return refuse(format!("the table has {} columns; at most {MAX_COLUMNS} are allowed", header.len()));
    }
    if let Some((i, _)) = header.iter().enumerate().find(|(_, h)| h.is_empty()) {
        return refuse(format!("column {} has no name in the header row; every column needs one", i + 1));
    }
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return refuse(format!("two columns are named \"{h}\"; each column needs its own name"));
        }
    }
    let label_at = match label {
        None => None,
        Some(name) => Some(header.iter().position(|h| h == name).ok_or_else(|| {
            Error::Data(format!(
                "there is no column \"{name}\" to use as the label; the columns are {}",
                header.join(", ")
            ))
        })?),
    };

    let mut cells: Vec<Vec<String>> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2; // the header is row 1
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths { len, expected_len, .. } => Error::Data(format!(
                "row {row} has {len} cells but the header has {expected_len}; every row needs one cell per column"
            )),
            _ => Error::Data(format!("row {row} cannot be read: {e}")),
        })?;
        if cells.len() == MAX_ROWS {
            return refuse(format!("the table has more than {MAX_ROWS} rows; at most {MAX_ROWS} are allowed"));
        }
        cells.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    if cells.len() < MIN_ROWS {
        return refuse(format!(
            "the table has {} row{} of values; it needs at least {MIN_ROWS} (one each for training, validation and test)",
            cells.len(),
            if cells.len() == 1 { "" } else { "s" }
        ));
    }

    let mut columns = Vec::new();
    let mut used = Vec::new();
    let mut left_out = Vec::new();
    for (c, name) in header.iter().enumerate() {
        if Some(c) == label_at {
            continue;
        }
        let text = cells.iter().enumerate().find(|(_, r)| !is_missing(&r[c]) && !parses(&r[c]));
        match text {
            Some((r, row)) => left_out.push(LeftOut {
                column: name.clone(),
                reason: if row[c].parse::<f64>().is_ok() {
                    format!("\"{}\" in row {} is beyond the numbers a model takes (±3.4e38)", row[c], r + 2)
                } else {
                    format!("it holds text (\"{}\" in row {}), not numbers", row[c], r + 2)
                },
            }),
            None if cells.iter().all(|r| is_missing(&r[c])) => {
                left_out.push(LeftOut { column: name.clone(), reason: "every cell is empty".into() })
            }
            None => {
                columns.push(name.clone());
                used.push(c);
            }
        }
    }
    if columns.is_empty() {
        return refuse(format!(
            "no column holds numbers{}; a table needs at least one numeric column to train on",
            if left_out.is_empty() { String::new() } else { format!(" ({} left out)", left_out.len()) }
        ));
    }
    let mut values = Vec::with_capacity(cells.len() * used.len());
    let mut missing = 0;
    for row in &cells {
        for &c in &used {
            if is_missing(&row[c]) {
                missing += 1;
                values.push(f32::NAN);
            } else {
                values.push(row[c].parse::<f64>().map(|v| v as f32).unwrap_or(f32::NAN));
            }
        }
    }

    let (labels, classes) = match label_at {
        None => (None, Vec::new()),
        Some(c) => {
            let mut classes: Vec<String> = Vec::new();
            let mut labels = Vec::with_capacity(cells.len());
            for row in &cells {
                let v = &row[c];
                let k = match classes.iter().position(|k| k == v) {
                    Some(k) => k,
                    None => {
                        if classes.len() == MAX_CLASSES {
                            return refuse(format!(
                                "the label column \"{}\" has more than {MAX_CLASSES} different values; a label may have at most {MAX_CLASSES}",
                                header[c]
                            ));
                        }
                        classes.push(v.clone());
                        classes.len() - 1
                    }
                };
                labels.push(k as u8);
            }
            (Some(labels), classes)
        }
    };
    Ok(Table { columns, values, labels, classes, left_out, missing })
}

/// A number a cell may hold: finite, in f32's range.
fn parses(cell: &str) -> bool {
    cell.parse::<f64>().is_ok_and(|v| v.is_finite() && v.abs() <= f32::MAX as f64)
}

/// A table's values scaled column by column: (value − mean) / deviation, with
/// the mean and deviation of the training split's rows (missing cells
/// ignored). A column with no deviation there is kept, centred, and named in `constant`.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardised {
    /// rows × columns, NaN where missing.
    pub values: Vec<f32>,
    /// Each column's mean on the training rows.
    pub mean: Vec<f32>,
    /// Each column's deviation on the training rows (1 for a constant column).
    pub deviation: Vec<f32>,
    /// Columns (indices) constant on the training rows.
    pub constant: Vec<usize>,
}

/// Standardises `table` with the statistics of the rows `Dataset::split` trains on.
pub fn standardise(table: &Table) -> Result<Standardised> {
    let (rows, cols) = (table.rows(), table.columns.len());
    let (_, _, train) = split_order(rows);
    let mut mean = vec![0.0f32; cols];
    let mut deviation = vec![1.0f32; cols];
    let mut constant = Vec::new();
    for c in 0..cols {
        let seen: Vec<f64> = train.iter().map(|&r| table.values[r * cols + c] as f64).filter(|v| !v.is_nan()).collect();
        if seen.is_empty() {
            return Err(Error::Data(format!(
                "column \"{}\" has no value in the rows kept for training; fill some cells or leave the column out",
                table.columns[c]
            )));
        }
        let m = seen.iter().sum::<f64>() / seen.len() as f64;
        let var = seen.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / seen.len() as f64;
        mean[c] = m as f32;
        if var.sqrt() <= 1e-12 * m.abs().max(1.0) {
            constant.push(c);
        } else {
            deviation[c] = var.sqrt() as f32;
        }
    }
    let values = table
        .values
        .chunks_exact(cols)
        .flat_map(|row| row.iter().zip(mean.iter().zip(&deviation)).map(|(&v, (&m, &d))| (v - m) / d))
        .collect();
    Ok(Standardised { values, mean, deviation, constant })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, label: Option<&str>) -> Result<Table> {
        read_table(text.as_bytes(), label)
    }

    #[test]
    fn numeric_columns_label_text_and_missing_cells() {
        let t = read(
            "id,temp,city,load,kind\n1,20.5,Paris,3,ok\n2,,Lyon,4,bad\n3,22,Nice,NA,ok\n4,23.5,Metz,6,ok\n",
            Some("kind"),
        )
        .unwrap();
        assert_eq!(t.columns, ["id", "temp", "load"]);
        assert_eq!(t.rows(), 4);
        assert_eq!(t.missing, 2);
        assert!(t.values[4].is_nan() && t.values[8].is_nan());
        assert_eq!((t.values[0], t.values[1], t.values[2]), (1.0, 20.5, 3.0));
        assert_eq!(t.labels.as_deref(), Some(&[0u8, 1, 0, 0][..]));
        assert_eq!(t.classes, ["ok", "bad"]);
        assert_eq!(t.left_out.len(), 1);
        assert_eq!(t.left_out[0].column, "city");
        assert_eq!(t.left_out[0].reason, "it holds text (\"Paris\" in row 2), not numbers");
    }

    #[test]
    fn tabs_are_found_and_quotes_kept() {
        let t = read("a\tb\n1\t2\n3\t4\n5\t6\n", None).unwrap();
        assert_eq!(t.columns, ["a", "b"]);
        assert_eq!(t.values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let t = read("name,x\n\"Smith, J\",1\n\"Doe, A\",2\nB,3\n", None).unwrap();
        assert_eq!(t.columns, ["x"]);
        assert!(t.left_out[0].reason.contains("\"Smith, J\" in row 2"));
    }

    #[test]
    fn every_refusal_says_where_and_what_is_allowed() {
        let cases: [(&[u8], Option<&str>, &str); 9] = [
            (b"", None, "the file is empty"),
            (b"a,b\n1,2\n", None, "1 row of values; it needs at least 3"),
            (b"a,b\n1,2\n3\n4,5\n", None, "row 3 has 1 cells but the header has 2"),
            (b"a,b\nx,y\nz,w\nq,r\n", None, "no column holds numbers (2 left out)"),
            (b"a,,c\n1,2,3\n1,2,3\n1,2,3\n", None, "column 2 has no name"),
            (b"a,a\n1,2\n1,2\n1,2\n", None, "two columns are named \"a\""),
            (b"a,b\n1,2\n1,2\n1,2\n", Some("c"), "there is no column \"c\" to use as the label; the columns are a, b"),
            (b"\x89PNG\r\n\x1a\n\xff\xfe", None, "not text (UTF-8) from byte 0"),
            (b"x\n1\n2\n3\n", Some("x"), "no column holds numbers"),
        ];
        for (bytes, label, expected) in cases {
            let e = read_table(bytes, label).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}\n  expected: {expected}");
        }
        let wide = format!("{}\n", (0..MAX_COLUMNS + 1).map(|i| format!("c{i}")).collect::<Vec<_>>().join(","));
        assert!(read(&wide, None).unwrap_err().to_string().contains("2001 columns; at most 2000"));
        let labels = format!("x,y\n{}", (0..300).map(|i| format!("1,{i}\n")).collect::<String>());
        assert!(read(&labels, Some("y")).unwrap_err().to_string().contains("more than 256 different values"));
    }

    #[test]
    fn a_column_of_huge_numbers_is_text_to_f32() {
        // 1e39 does not fit in f32: the column is left out, the cell named with its row.
        let t = read("a,b\n1,1e39\n2,2\n3,3\n", None).unwrap();
        assert_eq!(t.columns, ["a"]);
        assert_eq!(t.left_out[0].reason, "\"1e39\" in row 2 is beyond the numbers a model takes (±3.4e38)");
    }

    #[test]
    fn standardised_with_the_training_rows_statistics() {
        // 40 rows: a linear column, a constant column, a column with missing cells.
        let mut text = String::from("a,b,c\n");
        for i in 0..40 {
            let c = if i % 5 == 0 { String::new() } else { format!("{}", i * 2) };
            text.push_str(&format!("{i},7,{c}\n"));
        }
        let t = read(&text, None).unwrap();
        let s = standardise(&t).unwrap();
        let (_, _, train) = split_order(40);
        // f64 textbook mean and population deviation of column a over the training rows.
        let a: Vec<f64> = train.iter().map(|&r| r as f64).collect();
        let m = a.iter().sum::<f64>() / a.len() as f64;
        let d = (a.iter().map(|v| (v - m).powi(2)).sum::<f64>() / a.len() as f64).sqrt();
        assert!((s.mean[0] as f64 - m).abs() < 1e-5 && (s.deviation[0] as f64 - d).abs() < 1e-5);
        assert_eq!(s.constant, [1]);
        assert_eq!((s.mean[1], s.deviation[1]), (7.0, 1.0));
        assert!(s.values.chunks_exact(3).all(|r| r[1] == 0.0));
        // Training rows of column a have mean 0 and deviation 1 after scaling; missing stays missing.
        let scaled: Vec<f64> = train.iter().map(|&r| s.values[r * 3] as f64).collect();
        assert!((scaled.iter().sum::<f64>() / scaled.len() as f64).abs() < 1e-5);
        assert!(s.values[2].is_nan() && !s.values[5].is_nan());
    }
}
