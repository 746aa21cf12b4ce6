//! Autoencoders at work: what a trained model is good for besides drawing
//! digits. `anomaly` scores digits by how badly they are reconstructed and
//! measures that detector with a ROC curve; `classifier` tests how useful the
//! codes are as features for a small softmax classifier; `impute` fills in
//! missing pixels with the model's reconstructions.

pub mod anomaly;
pub mod classifier;
pub mod impute;
