//! Data beyond digits: the generated data sets (`crate::generated`), tables
//! read from CSV or TSV files (`crate::table`), and trainers on rows of values
//! instead of digit bytes. Lab build only.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, parse_config, to_js, Trainer};
use crate::config::ImageShape;
use crate::data::Dataset;
use crate::explore;
use crate::generated::{self, Generated};
use crate::table;
use crate::train;

/// A generated data set: `kind` "curve" (a noisy Swiss roll in 3-D; `share` is
/// its noise, 0–1) or "sensors" (windows of machine sensors; `share` is the
/// share of faulty windows, 0–0.5), `rows` rows (3–50,000), from `seed`.
/// -> `{ values: Float32Array rows×width, labels: Uint8Array, width, labelNames, columnNames }`.
/// Throws with what is allowed when a setting is out of range.
#[wasm_bindgen(js_name = generateData)]
pub fn generate_data(kind: &str, rows: usize, seed: u32, share: f32) -> Result<JsValue, JsError> {
    let g: Generated = match kind {
        "curve" => generated::swiss_roll(rows, share, seed as u64),
        "sensors" => generated::machine_sensors(rows, share, seed as u64),
        other => {
            return Err(JsError::new(&format!(
                "there is no generated data set \"{other}\"; the data sets are \"curve\" and \"sensors\""
            )))
        }
    }
    .map_err(err)?;
    object(&[
        ("values", f32s(&g.values)),
        ("labels", Uint8Array::from(g.labels.as_slice()).into()),
        ("width", JsValue::from(g.width as u32)),
        ("labelNames", to_js(&g.label_names)?),
        ("columnNames", to_js(&g.column_names)?),
    ])
}

#[wasm_bindgen]
impl Trainer {
    /// Mean quality of the validation reconstructions of images of `channels ×
    /// height × width` (a person's pictures of any size): `{ mse, bce, psnr,
    /// ssim, msSsim }`, SSIM and MS-SSIM averaged over the channels.
    #[wasm_bindgen(js_name = qualityOf)]
    pub fn quality_of(&mut self, channels: usize, height: usize, width: usize) -> Result<JsValue, JsError> {
        let shape = ImageShape { channels, height, width };
        to_js(&explore::validation_quality_of(&mut self.inner, shape).map_err(err)?)
    }

    /// A trainer on rows of values seen as they are (`values`: n × config's
    /// `model.input` floats, `labels`: n bytes), not digit bytes scaled by 1/255.
    /// Throws with what is wrong with the config or the rows.
    #[wasm_bindgen(js_name = fromValues)]
    pub fn from_values(config: JsValue, values: &[f32], labels: &[u8]) -> Result<Trainer, JsError> {
        let config = parse_config(config)?;
        let data = Dataset::from_values(values.to_vec(), labels.to_vec(), config.model.input).map_err(err)?;
        Ok(Trainer::wrap(train::Trainer::new(config, &data).map_err(err)?))
    }
}

/// A CSV or TSV file (`bytes`, UTF-8 with a header row) read as a table, its
/// numeric columns standardised with the training split's mean and deviation;
/// `label`: the column kept out of training as the label (or null).
/// -> `{ rows, columns, values: Float32Array rows×columns (standardised; NaN
/// where a cell is missing), mean, deviation, constant (column names), labels:
/// Uint8Array | null, classes, leftOut: [{ column, reason }], missing }`.
/// Throws a sentence naming the row or column and what is allowed.
#[wasm_bindgen(js_name = readTable)]
pub fn read_table(bytes: &[u8], label: Option<String>) -> Result<JsValue, JsError> {
    let t = table::read_table(bytes, label.as_deref()).map_err(err)?;
    let s = table::standardise(&t).map_err(err)?;
    let constant: Vec<&String> = s.constant.iter().map(|&c| &t.columns[c]).collect();
    object(&[
        ("rows", JsValue::from(t.rows() as u32)),
        ("columns", to_js(&t.columns)?),
        ("values", f32s(&s.values)),
        ("mean", f32s(&s.mean)),
        ("deviation", f32s(&s.deviation)),
        ("constant", to_js(&constant)?),
        ("labels", t.labels.as_deref().map_or(JsValue::NULL, |l| Uint8Array::from(l).into())),
        ("classes", to_js(&t.classes)?),
        ("leftOut", to_js(&t.left_out)?),
        ("missing", JsValue::from(t.missing as u32)),
    ])
}
