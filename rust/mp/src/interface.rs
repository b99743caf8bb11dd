//! The link between a generated interface trait and the runtime's client and server cores.

use std::sync::Arc;

use crate::client::{DestroyFn, ProxyClient};
use crate::error::Result;
use crate::server::Dispatch;

/// Implemented by the generator for `dyn Trait` of each `$Proxy.wrap` interface.
pub trait Interface: Send + Sync + 'static {
    /// The interface's schema name (`CalculatorInterface`), for log lines.
    const NAME: &'static str;

    /// Calls the interface's `destroy` method; run when a client proxy is dropped.
    const DESTROY: Option<DestroyFn>;

    /// Server glue that dispatches incoming calls to `imp`.
    fn make_server(imp: Arc<Self>) -> Box<dyn Dispatch>;

    /// A client proxy that implements the trait by calling the peer.
    fn make_client(client: ProxyClient) -> Box<Self>;

    /// Calls `construct` if the interface has it; run when a connection is made.
    fn construct(client: &ProxyClient) -> Result<()> {
        let _ = client;
        Ok(())
    }
}
