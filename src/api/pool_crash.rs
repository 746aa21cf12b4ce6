//! A panic on one of the pool's threads, told to the page (threaded builds).
//!
//! Under `panic=abort` a panic traps the thread it happens on. On the trainer's
//! worker the trap reaches the request's handler, which says the engine
//! crashed (www/worker/trainer-protocol.js), and the page starts a new worker.
//! On a pool thread it reached nothing: the trainer's worker, whose step
//! shares its work with the pool (`gemm::on_pool`), waits for the crashed
//! thread's part in a join, so the worker never answered again and training
//! stopped without a word. The panic hook therefore posts the panic's message on the
//! `BroadcastChannel` the page named (`reportCrashesTo`) before the thread
//! traps; the page hears it on its own thread and replaces the worker
//! (www/worker/trainer-client.js).

use std::sync::{Mutex, Once};

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type BroadcastChannel;
    #[wasm_bindgen(constructor, catch)]
    fn new(name: &str) -> Result<BroadcastChannel, JsValue>;
    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &BroadcastChannel, message: &str) -> Result<(), JsValue>;
}

/// The channel's name, in the module's shared memory: every thread reads it.
static CHANNEL: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// A panic on a pool thread is posted, as a sentence, on the
/// `BroadcastChannel` named `channel` (the last name given wins). A panic on
/// the calling thread is not: it traps the call, which says so itself.
#[wasm_bindgen(js_name = reportCrashesTo)]
pub fn report_crashes_to(channel: String) {
    *CHANNEL.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info); // the console's readable stack
                            // The calling worker is outside the pool or its thread 0 (the
                            // browser's pools are built with the worker's own thread).
            if rayon::current_thread_index().is_none_or(|i| i == 0) {
                return;
            }
            let name = CHANNEL.try_lock().ok().and_then(|c| c.clone());
            if let Some(channel) = name.and_then(|n| BroadcastChannel::new(&n).ok()) {
                let _ = channel.post_message(&format!("a thread of its pool stopped ({info})"));
            }
        }));
    });
}

/// Only for the page's recovery test (debug=1): a panic on a pool thread in
/// the middle of a call, as a bug in a step would make one. Refused when
/// there is no pool to run it on.
#[wasm_bindgen(js_name = debugPanicOnPool)]
pub fn debug_panic_on_pool() -> Result<(), JsError> {
    if crate::nn::gemm::threads() < 2 {
        return Err(JsError::new("This engine trains on one thread: it has no pool to crash."));
    }
    // Every thread but the caller's (thread 0) panics; the caller waits for them.
    crate::nn::gemm::on_pool(|| {
        rayon::broadcast(|ctx| {
            if ctx.index() != 0 {
                panic!("a deliberate crash on a pool thread, debug=1")
            }
        })
    });
    Ok(())
}
