//! The link between a generated interface trait and the core.

use std::sync::Arc;

use crate::core::{Dispatch, InterfaceDesc, ProxyClient};

/// Implemented by the generator for `dyn Trait` of each `$Proxy.wrap` interface.
pub trait Interface: Send + Sync + 'static {
    /// The interface as the core knows it.
    const DESC: &'static InterfaceDesc;

    /// Server glue that serves incoming calls with `imp`.
    fn make_server(imp: Arc<Self>) -> Arc<dyn Dispatch>;

    /// A client proxy that implements the trait by calling the peer.
    fn make_client(client: ProxyClient) -> Box<Self>;
}
