//! The generated data sets (`crate::generated`) and trainers on rows of values
//! (a table, a generated set) instead of digit bytes. Lab build only.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, parse_config, to_js, Trainer};
use crate::data::Dataset;
use crate::generated::{self, Generated};
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
