//! The refusal type of a service's model: an [`ApiError`](crate::ApiError)
//! already worded in that service's terms, so that `?` carries it through
//! the model and the facade renders it as it is. Every service that runs
//! inside another model's transaction (network, compute) needs one; what
//! differs is only how it words a storage failure and the other models'
//! faults, so the type and its two common conversions are declared here
//! once, and each service adds its own `From` for the faults it meets.

/// Declares `struct $name(pub ApiError)` with `From<ApiError>` and
/// `From<$store>` (a storage failure, worded by the expression):
///
/// ```
/// # mod otc_store { #[derive(Debug)] pub struct StoreError; }
/// otc_core::refusal! {
///     /// A refusal in this service's words.
///     pub struct Refusal;
///     storage(e: otc_store::StoreError) => otc_core::ApiError::internal(format!("storage failure: {e:?}"));
/// }
/// let r: Refusal = otc_store::StoreError.into();
/// assert_eq!(r.0.status, 500);
/// ```
#[macro_export]
macro_rules! refusal {
    ($(#[$meta:meta])* $vis:vis struct $name:ident; storage($e:ident: $store:ty) => $wording:expr;) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis struct $name(pub $crate::ApiError);

        impl From<$crate::ApiError> for $name {
            fn from(e: $crate::ApiError) -> Self {
                $name(e)
            }
        }

        impl From<$store> for $name {
            fn from($e: $store) -> Self {
                $name($wording)
            }
        }
    };
}
