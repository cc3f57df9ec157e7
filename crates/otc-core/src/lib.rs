//! Building blocks every service of the emulator shares. Nothing here knows
//! about HTTP: services return [`ApiError`]s and plain data, and the gateway
//! turns them into responses in one place.

pub mod api;
pub mod body;
pub mod clock;
pub mod ctx;
pub mod durability;
pub mod error;
pub mod ids;
pub mod lifecycle;
pub mod pagination;
pub mod quota;
pub mod refusal;
pub mod tags;
pub mod time;

pub use clock::Clock;
pub use ctx::Ctx;
pub use error::{ApiError, ApiResult};
