//! Small pieces of user interface shared by every part of the product.
use crate::error::AppError;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// A message box for an error, and the matching HTTP status while rendering on the server.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    error.set_status();
    let sign_in = matches!(error, AppError::Unauthorized(_));
    let l = crate::lang::current();
    view! {
        <div class="error" role="alert">
            <p>{error.message_in(crate::lang::current())}</p>
            {if sign_in {
                view! {
                    <p>
                        <a href="/login">{td_string!(l, common.sign_in)}</a>
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        <A href="/">{td_string!(l, common.go_to_start)}</A>
                    </p>
                }
                    .into_any()
            }}
        </div>
    }
}

/// A part of a page that waits for data: "Loading…" until `load` is ready, then `children` with
/// the data, or the [`ErrorBox`] when loading failed.
///
/// `load` is called inside the `Suspend` each time the part renders (as `resource.await` was), so
/// the resources it awaits are tracked by this `Suspense`: `load=move || resource`, or an
/// `async` block that awaits more than one.
#[component]
pub fn Loaded<T, F, Fut, C>(load: F, children: C) -> impl IntoView
where
    T: 'static,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::IntoFuture<Output = Result<T, AppError>>,
    Fut::IntoFuture: Send + 'static,
    C: Fn(T) -> AnyView + Send + Sync + 'static,
{
    let (load, children) = (std::sync::Arc::new(load), std::sync::Arc::new(children));
    let loading = td_string!(crate::lang::current(), common.loading);
    view! {
        <Suspense fallback=move || {
            view! { <p>{loading}</p> }
        }>
            {move || {
                let (load, children) = (load.clone(), children.clone());
                Suspend::new(async move {
                    match load().await {
                        Ok(v) => children(v),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The message of a failed form post: from the action (in an island) or from `?error=` (a plain
/// form post, read on the server). See [`island_form_error`].
pub fn form_error<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    param: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    island_form_error(value, query_error(param))
}

/// The message of `?error=` on this page (a plain form post that failed), read on the server.
/// An island gets it as a prop: in the browser it has no router to read the address from.
pub fn query_error(param: &'static str) -> Option<String> {
    use_query_map()
        .read_untracked()
        .get(param)
        .and_then(|code| crate::error::form_message(&code))
}

/// [`form_error`] inside an island: the action's message once it ran, else `initial` (the
/// page's [`query_error`]).
pub fn island_form_error<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    initial: Option<String>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let initial = StoredValue::new(initial);
    move || {
        value
            .with(|v| match v {
                Some(Err(e)) => Some(Some(e.to_string())),
                Some(Ok(_)) => Some(None),
                None => None,
            })
            .unwrap_or_else(|| initial.get_value())
    }
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word is cut), for
/// chart labels: ECharts does not wrap category names, and on a phone a long name pushes the bars
/// off the chart.
pub fn wrap_label(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(width) {
            let piece: String = piece.iter().collect();
            if line.is_empty() {
                line = piece;
            } else if line.chars().count() + 1 + piece.chars().count() <= width {
                line.push(' ');
                line.push_str(&piece);
            } else {
                lines.push(std::mem::replace(&mut line, piece));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// Empties `form` each time its action succeeds, so that the next entry starts blank. Only the
/// hydrated page needs it: a plain form post loads a fresh page. Call it where the form's
/// `NodeRef` outlives re-renders of the form (outside a `Suspense` that refetches).
pub fn clear_on_success<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
    form: NodeRef<leptos::html::Form>,
) {
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_))))
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
}

/// What was sent with an action's latest dispatch, picked by `pick`, kept after the action
/// resolves (its own input empties then), so that a success message can name what was created.
pub fn last_input<I, T>(
    input: MappedSignal<Option<I>>,
    pick: impl Fn(&I) -> T + Send + Sync + 'static,
) -> ReadSignal<Option<T>>
where
    I: Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    let (last, set_last) = signal(None);
    Effect::new(move |_| {
        if let Some(v) = input.with(|i| i.as_ref().map(&pick)) {
            set_last.set(Some(v));
        }
    });
    last
}

/// The innovations as radio buttons (name `innovation`) under `legend`, and the field for "another
/// innovation" in a few words (name `innovation_detail`, id `detail_id`) labelled `detail_label`.
#[component]
pub fn InnovationChoices(
    legend: &'static str,
    detail_label: &'static str,
    detail_id: &'static str,
) -> impl IntoView {
    let l = crate::lang::current();
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {crate::values::INNOVATIONS
                .iter()
                .map(|k| {
                    view! {
                        <label class="choice">
                            <input type="radio" name="innovation" value=*k required=true />
                            {crate::values::innovation_label(l, k)}
                        </label>
                    }
                })
                .collect_view()}
            <label for=detail_id>{detail_label}</label>
            <input
                id=detail_id
                name="innovation_detail"
                type="text"
                maxlength=crate::values::MAX_INNOVATION_DETAIL
            />
        </fieldset>
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

/// A chart for the browser to draw: the id of its box, its ECharts option (JSON, made on the
/// server) and its height in pixels.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChartSpec {
    pub id: String,
    pub option: String,
    pub height: u32,
}

impl ChartSpec {
    /// `chart` for box `id`, its axis labels given a line height (see [`label_line_heights`]).
    pub fn new(id: impl Into<String>, chart: &charming::Chart, height: u32) -> Self {
        let mut option = serde_json::to_value(chart).unwrap_or_default();
        let patch = label_line_heights(&option);
        merge(&mut option, patch);
        ChartSpec {
            id: id.into(),
            option: option.to_string(),
            height,
        }
    }
}

/// Each (box id, chart, height) as a [`ChartSpec`].
pub fn chart_specs(charts: Vec<(String, charming::Chart, u32)>) -> Vec<ChartSpec> {
    charts
        .into_iter()
        .map(|(id, chart, height)| ChartSpec::new(id, &chart, height))
        .collect()
}

/// `patch` written into `target`: objects key by key, arrays item by item, anything else replaced.
fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
    use serde_json::Value;
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                merge(t.entry(k).or_insert(Value::Null), v);
            }
        }
        (Value::Array(t), Value::Array(p)) => {
            for (t, v) in t.iter_mut().zip(p) {
                merge(t, v);
            }
        }
        (t, p) => *t = p,
    }
}

/// Draws `charts` in their boxes once the page runs: the island holds no markup, only the
/// options (the server made them, so no chart library is compiled to WebAssembly). The ECharts
/// script is a plain `<script>` on the pages with charts.
#[island(lazy)]
pub fn Charts(charts: Vec<ChartSpec>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| draw_charts(charts.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = charts;
}

/// Draws each chart once the ECharts script has loaded and its box is on the page (a chart whose
/// box is not there yet waits for it, for five seconds at most).
#[cfg(feature = "hydrate")]
pub fn draw_charts(charts: Vec<ChartSpec>) {
    fn attempt(charts: Vec<ChartSpec>, tries: u32) {
        let echarts = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"echarts".into()).ok())
            .filter(|v| !v.is_undefined());
        let waiting: Vec<ChartSpec> = match echarts {
            Some(echarts) => charts
                .into_iter()
                .filter(|spec| {
                    let element = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id(&spec.id));
                    match element {
                        Some(element) => {
                            draw(&echarts, &element, spec);
                            false
                        }
                        None => true,
                    }
                })
                .collect(),
            None => charts,
        };
        if !waiting.is_empty() && tries < 100 {
            set_timeout(
                move || attempt(waiting, tries + 1),
                std::time::Duration::from_millis(50),
            );
        }
    }
    attempt(charts, 0);
}

/// `echarts.init(element, null, {width, height}).setOption(option)`.
#[cfg(feature = "hydrate")]
fn draw(echarts: &wasm_bindgen::JsValue, element: &web_sys::Element, spec: &ChartSpec) {
    use wasm_bindgen::{JsCast, JsValue};
    let call = |target: &JsValue, name: &str, args: &js_sys::Array| {
        js_sys::Reflect::get(target, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.apply(target, args).ok())
    };
    let Ok(option) = js_sys::JSON::parse(&spec.option) else {
        leptos::logging::warn!("chart {}: the option is not JSON", spec.id);
        return;
    };
    let size = js_sys::Object::new();
    let width = element.client_width().max(280);
    let _ = js_sys::Reflect::set(&size, &"width".into(), &JsValue::from(width));
    let _ = js_sys::Reflect::set(&size, &"height".into(), &JsValue::from(spec.height));
    if let Some(chart) = call(
        echarts,
        "init",
        &js_sys::Array::of3(element, &JsValue::NULL, &size),
    ) {
        call(&chart, "setOption", &js_sys::Array::of1(&option));
    }
}

/// The option patch that gives every axis label of `option` (an ECharts option as JSON) a line
/// height of 1.3 times its font size (12 px when none is set).
pub fn label_line_heights(option: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let one = |axis: &Value| {
        let size = axis["axisLabel"]["fontSize"].as_f64().unwrap_or(12.0);
        json!({ "axisLabel": { "lineHeight": (size * 1.3).round() } })
    };
    let mut patch = serde_json::Map::new();
    for key in ["xAxis", "yAxis"] {
        match &option[key] {
            Value::Array(axes) => {
                patch.insert(key.into(), Value::Array(axes.iter().map(one).collect()));
            }
            Value::Object(_) => {
                patch.insert(key.into(), one(&option[key]));
            }
            _ => {}
        }
    }
    Value::Object(patch)
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
                        view! {
                            <option value=value selected=chosen>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_label;
    use proptest::prelude::*;

    #[test]
    fn labels_wrap_at_spaces_and_cut_only_longer_words() {
        assert_eq!(wrap_label("Vision", 18), "Vision");
        assert_eq!(
            wrap_label("Managing the teaching and learning programme", 18),
            "Managing the\nteaching and\nlearning programme"
        );
        assert_eq!(
            wrap_label("Trust and a collaborative culture", 16),
            "Trust and a\ncollaborative\nculture"
        );
        assert_eq!(wrap_label("  two   spaces ", 18), "two spaces");
        assert_eq!(
            wrap_label("Donaudampfschifffahrtsgesellschaft", 18),
            "Donaudampfschifffa\nhrtsgesellschaft"
        );
        assert_eq!(wrap_label("", 18), "");
    }

    #[test]
    fn a_chart_spec_is_the_option_with_line_heights_merged_in() {
        use charming::component::Axis;
        use charming::element::{AxisLabel, AxisType};
        let chart = charming::Chart::new()
            .x_axis(Axis::new().type_(AxisType::Value).max(5))
            .y_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .axis_label(AxisLabel::new().font_size(20))
                    .data(vec!["Vision", "People"]),
            );
        let spec = super::ChartSpec::new("chart-x", &chart, 240);
        assert_eq!((spec.id.as_str(), spec.height), ("chart-x", 240));
        let option: serde_json::Value = serde_json::from_str(&spec.option).unwrap();
        let mut expected = serde_json::to_value(&chart).unwrap();
        // exactly the line heights are added; everything else is the chart as charming made it
        expected["yAxis"]["axisLabel"]["lineHeight"] = 26.0.into();
        expected["xAxis"]["axisLabel"] = serde_json::json!({ "lineHeight": 16.0 });
        assert_eq!(option, expected);
    }

    #[test]
    fn every_axis_label_gets_a_line_height() {
        use serde_json::json;
        let option = json!({
            "xAxis": { "type": "value" },
            "yAxis": [{ "axisLabel": { "fontSize": 20.0 } }, { "type": "category" }],
            "series": []
        });
        assert_eq!(
            super::label_line_heights(&option),
            json!({
                "xAxis": { "axisLabel": { "lineHeight": 16.0 } },
                "yAxis": [{ "axisLabel": { "lineHeight": 26.0 } }, { "axisLabel": { "lineHeight": 16.0 } }]
            })
        );
        assert_eq!(
            super::label_line_heights(&json!({ "series": [] })),
            json!({})
        );
    }

    proptest! {
        /// No line is longer than the width, and no character but spaces is lost or added.
        #[test]
        fn wrapped_lines_fit_and_keep_the_text(text in "[a-zé ]{0,80}", width in 1usize..30) {
            let wrapped = wrap_label(&text, width);
            for line in wrapped.lines() {
                prop_assert!(line.chars().count() <= width, "{line:?}");
            }
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(squeeze(&wrapped), squeeze(&text));
        }
    }
}
