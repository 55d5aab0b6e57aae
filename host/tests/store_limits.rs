//! A store's memory limit holds for all its memories together: a component of several memories is stopped at the store's limit.

use std::time::Duration;

use liqhost::plugin::store::MAX_MEMORIES;
use liqhost::plugin::{Limits, Runtime};
use wasmtime::component::{Component, Linker};

const MIB: usize = 1 << 20;
const PAGE: usize = 64 * 1024;

fn leb128(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section(id: u8, content: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb128(content.len(), out);
    out.extend_from_slice(content);
}

/// A core module that defines one memory of `bytes` (whole pages) and nothing else.
fn module_with_memory(bytes: usize) -> Vec<u8> {
    let mut memory = vec![1, 0x00]; // one memory, limits without a maximum
    leb128(bytes / PAGE, &mut memory);
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    section(5, &memory, &mut module);
    module
}

/// A component that instantiates one such module per entry of `memories`: as many core
/// instances, each with its own memory (what a component built from several modules has).
fn component_with_memories(memories: &[usize]) -> Vec<u8> {
    let mut component = b"\0asm\x0d\0\x01\0".to_vec();
    for bytes in memories {
        section(1, &module_with_memory(*bytes), &mut component); // core module section
    }
    let mut instances = Vec::new();
    leb128(memories.len(), &mut instances);
    for index in 0..memories.len() {
        instances.push(0x00); // instantiate module `index` with no arguments
        leb128(index, &mut instances);
        instances.push(0);
    }
    section(2, &instances, &mut component); // core instance section
    component
}

fn runtime(memory_bytes: usize) -> std::sync::Arc<Runtime> {
    Runtime::new(Limits { call_deadline: Duration::from_secs(1), memory_bytes }, None).unwrap()
}

/// Instantiates `memories` in a fresh plugin store: the store's memory, or the error.
fn instantiate(runtime: &Runtime, memories: &[usize]) -> Result<usize, String> {
    let component = Component::new(runtime.engine(), component_with_memories(memories)).expect("a valid component");
    let mut store = runtime.new_store("BTC", "zone-manager");
    let linker = Linker::new(runtime.engine());
    linker.instantiate(&mut store, &component).map_err(|e| format!("{e:#}"))?;
    Ok(store.data().limits_used())
}

#[test]
fn two_memories_each_under_the_limit_but_over_it_together_are_refused() {
    let runtime = runtime(64 * MIB);
    let error = instantiate(&runtime, &[40 * MIB, 40 * MIB]).expect_err("80 MiB in one store under a 64 MiB limit");
    assert!(error.contains("memory limit exceeded"), "{error}");
}

#[test]
fn the_store_reports_the_sum_of_its_memories() {
    let runtime = runtime(64 * MIB);
    assert_eq!(instantiate(&runtime, &[20 * MIB, 30 * MIB]), Ok(50 * MIB));
    assert_eq!(instantiate(&runtime, &[64 * MIB]), Ok(64 * MIB), "one memory may use the whole limit");
}

#[test]
fn a_store_may_not_create_more_memories_than_an_engine_needs() {
    let runtime = runtime(64 * MIB);
    assert!(instantiate(&runtime, &[PAGE; MAX_MEMORIES]).is_ok());
    assert!(instantiate(&runtime, &[PAGE; MAX_MEMORIES + 1]).is_err());
}
