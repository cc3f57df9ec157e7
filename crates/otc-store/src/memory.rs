//! The in-memory backend: the image alone, nothing on disk. Used by
//! `--store memory` and by tests. A transaction holds the one lock for its
//! whole run (serialisable); a rollback replays its undo log.

use crate::image::{Image, ImageTx};
use crate::{Backend, StoreError, Tx};
use parking_lot::Mutex;

#[derive(Default)]
pub struct MemoryBackend {
    image: Mutex<Image>,
}

impl Backend for MemoryBackend {
    fn run(&self, f: &mut dyn FnMut(&mut dyn Tx) -> bool) -> Result<(), StoreError> {
        let mut image = self.image.lock();
        let mut tx = ImageTx::new(&mut image);
        if !f(&mut tx) {
            let undo = std::mem::take(&mut tx.undo);
            ImageTx::roll_back(&mut image, undo);
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}
