//! Test fixture: a valid component that implements some other world (refused at load).

#[cfg(target_arch = "wasm32")]
mod adapter {
    wit_bindgen::generate!({ world: "other", path: "wit" });

    struct Component;

    impl Guest for Component {
        fn greet(name: String) -> String {
            format!("hello {name}")
        }
    }

    export!(Component);
}
