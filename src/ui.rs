//! Small pieces of user interface shared by every part of the product.
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message of a failed form post: from the action (hydrated) or from `?error=` (plain form).
pub fn form_error<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    param: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        value
            .with(|v| match v {
                Some(Err(e)) => Some(Some(e.to_string())),
                Some(Ok(_)) => Some(None),
                None => None,
            })
            .unwrap_or_else(|| query.read().get(param))
    }
}

#[component]
pub fn FormError(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="error" role="alert" id="form-error">
                <p>{move || message.get().unwrap_or_default()}</p>
            </div>
        </Show>
    }
}

/// Renders the charts once the ECharts script (a plain `<script>` on the page) has loaded and
/// their boxes are on the page.
#[allow(unused_variables)]
pub fn render_charts(charts: Vec<(String, charming::Chart, u32)>) {
    #[cfg(feature = "hydrate")]
    {
        fn ready() -> bool {
            web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w, &"echarts".into()).ok())
                .is_some_and(|v| !v.is_undefined())
        }
        fn attempt(charts: Vec<(String, charming::Chart, u32)>, tries: u32) {
            // a chart whose box is not on the page yet (a part still rendering) waits for it
            let mut waiting = Vec::new();
            if ready() {
                for (id, chart, height) in charts {
                    let Some(element) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id(&id))
                    else {
                        waiting.push((id, chart, height));
                        continue;
                    };
                    let width = element.client_width().max(280) as u32;
                    if let Err(e) = charming::WasmRenderer::new(width, height).render(&id, &chart) {
                        leptos::logging::warn!("chart {id}: {e:?}");
                    }
                }
            } else {
                waiting = charts;
            }
            if !waiting.is_empty() && tries < 100 {
                set_timeout(
                    move || attempt(waiting, tries + 1),
                    std::time::Duration::from_millis(50),
                );
            }
        }
        attempt(charts, 0);
    }
}

/// A labelled `<select>` of a filter form: an optional first choice with the empty value ("All
/// …"), then the (value, label) options, `selected` marked.
#[component]
pub fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] all: Option<&'static str>,
    options: Vec<(String, String)>,
    selected: String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name>
                {all.map(|a| view! { <option value="">{a}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
