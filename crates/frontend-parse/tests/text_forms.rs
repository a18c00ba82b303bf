//! Every error-text form of seed 000 §2 and every interface message of §1.3, as a table.

use frontend_parse::{
    InterfaceTemplate, ParamName, TextCode, match_interface_message, parse_error_text,
};

/// (text, code, details, result code, params, template matched)
type Row = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    Option<u16>,
    &'static [(ParamName, &'static str)],
    bool,
);

use ParamName::{
    Content, DeviceId, DeviceType, Encoding, InvalidParam, MissingParam, Protocol, QueueLength,
    Reason, Sequence,
};

const ROWS: &[Row] = &[
    // TK013: the seed example, a space after the code, full-width braces, several details.
    (
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效]}",
        Some("TK013"),
        &["暂时失效"],
        Some(2),
        &[],
        true,
    ),
    (
        "TK013 前置返回对象的数据单元返回结果码异常，异常内容{[拒绝读写]}",
        Some("TK013"),
        &["拒绝读写"],
        Some(3),
        &[],
        true,
    ),
    (
        "TK013前置返回对象的数据单元返回结果码异常，异常内容｛［对象未定义］｝",
        Some("TK013"),
        &["对象未定义"],
        Some(4),
        &[],
        true,
    ),
    (
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[暂时失效],[ESAM 验证失败]}",
        Some("TK013"),
        &["暂时失效", "ESAM 验证失败"],
        Some(2),
        &[],
        true,
    ),
    (
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[其它错误]}",
        Some("TK013"),
        &["其它错误"],
        Some(255),
        &[],
        true,
    ),
    (
        "TK013前置返回对象的数据单元返回结果码异常,异常内容{[未知的名字]}",
        Some("TK013"),
        &["未知的名字"],
        None,
        &[],
        true,
    ),
    // TK08: empty content, and with details.
    (
        "TK08前置未返回数据,异常内容",
        Some("TK08"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "TK08 前置未返回数据，异常内容{[请求超时]}",
        Some("TK08"),
        &["请求超时"],
        Some(33),
        &[],
        true,
    ),
    // C001, with and without the space.
    ("C001 终端无数据返回", Some("C001"), &[], None, &[], true),
    ("C001终端无数据返回", Some("C001"), &[], None, &[], true),
    // ET001–ET003.
    (
        "ET001 任务参数异常，异常内容:dataItem不能为空",
        Some("ET001"),
        &[],
        None,
        &[(Content, "dataItem不能为空")],
        true,
    ),
    (
        "ET001 任务参数异常,异常内容：缺少终端地址",
        Some("ET001"),
        &[],
        None,
        &[(Content, "缺少终端地址")],
        true,
    ),
    (
        "ET001 任务参数异常，异常内容:",
        Some("ET001"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "ET002 任务执行时间超期",
        Some("ET002"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "ET003 通信层短时间内任务队列达到接收限值，当前队列长度120",
        Some("ET003"),
        &[],
        None,
        &[(QueueLength, "120")],
        true,
    ),
    (
        "ET003通信层短时间内任务队列达到接收限值,当前队列长度:2048",
        Some("ET003"),
        &[],
        None,
        &[(QueueLength, "2048")],
        true,
    ),
    (
        "ET003 通信层短时间内任务队列达到接收限值，当前队列长度：77，请稍后",
        Some("ET003"),
        &[],
        None,
        &[(QueueLength, "77")],
        true,
    ),
    // EA001/EA002: device type and id (and EA002's content).
    (
        "EA001 任务对应设备在通信层无档案，设备类型METER,设备 ID:1147186771请下装档案后重新发送",
        Some("EA001"),
        &[],
        None,
        &[(DeviceType, "METER"), (DeviceId, "1147186771")],
        true,
    ),
    (
        "EA001 任务对应设备在通信层无档案,设备类型TERMINAL，设备ID：0001请下装档案后重新发送",
        Some("EA001"),
        &[],
        None,
        &[(DeviceType, "TERMINAL"), (DeviceId, "0001")],
        true,
    ),
    (
        "EA002 任务对应设备类型METER，设备ID:8000000042769980,在通信层档案错误，异常内容:规约类型不符,请下装档案后重新发送",
        Some("EA002"),
        &[],
        None,
        &[
            (DeviceType, "METER"),
            (DeviceId, "8000000042769980"),
            (Content, "规约类型不符"),
        ],
        true,
    ),
    (
        "EA002任务对应设备类型METER,设备ID：42，在通信层档案错误,异常内容：地址重复，请下装档案后重新发送",
        Some("EA002"),
        &[],
        None,
        &[
            (DeviceType, "METER"),
            (DeviceId, "42"),
            (Content, "地址重复"),
        ],
        true,
    ),
    // EL001–EL003.
    (
        "EL001 任务对应设备离线或无法连接，请在设备上线后重新发送",
        Some("EL001"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "EL002 任务报文无法发送到对应设备，链路异常",
        Some("EL002"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "EL003 任务对应设备无响应或响应超时，请检查入库报文",
        Some("EL003"),
        &[],
        None,
        &[],
        true,
    ),
    (
        "EL003任务对应设备无响应或响应超时,请检查入库报文",
        Some("EL003"),
        &[],
        None,
        &[],
        true,
    ),
    // EP001–EP009: the `xxx`, ASCII or full-width colon, or none.
    (
        "EP001 任务对应设备规约在通信层无对应的规约插件：DL/T645-2007",
        Some("EP001"),
        &[],
        None,
        &[(Protocol, "DL/T645-2007")],
        true,
    ),
    (
        "EP001 任务对应设备规约在通信层无对应的规约插件:698",
        Some("EP001"),
        &[],
        None,
        &[(Protocol, "698")],
        true,
    ),
    (
        "EP002 任务编码不支持，不支持编码为:2014-10200-000",
        Some("EP002"),
        &[],
        None,
        &[(Encoding, "2014-10200-000")],
        true,
    ),
    (
        "EP002 任务编码不支持,不支持编码为：40000200",
        Some("EP002"),
        &[],
        None,
        &[(Encoding, "40000200")],
        true,
    ),
    (
        "EP002 任务编码不支持，不支持编码为40000200",
        Some("EP002"),
        &[],
        None,
        &[(Encoding, "40000200")],
        true,
    ),
    (
        "EP003 任务编码参数缺失，缺失参数为:password",
        Some("EP003"),
        &[],
        None,
        &[(MissingParam, "password")],
        true,
    ),
    (
        "EP004 任务编码参数内容有误，错误参数为:rate=abc",
        Some("EP004"),
        &[],
        None,
        &[(InvalidParam, "rate=abc")],
        true,
    ),
    (
        "EP005 任务报文加密失败，失败原因为:ESAM忙",
        Some("EP005"),
        &[],
        None,
        &[(Reason, "ESAM忙")],
        true,
    ),
    (
        "EP006 上行报文序号错误，无法对应到上行任务，当前序号为:17",
        Some("EP006"),
        &[],
        None,
        &[(Sequence, "17")],
        true,
    ),
    (
        "EP007 上行报文解密失败，失败原因为:MAC校验失败",
        Some("EP007"),
        &[],
        None,
        &[(Reason, "MAC校验失败")],
        true,
    ),
    (
        "EP008 上行报文格式不支持，不支持内容为:68 17 00 43",
        Some("EP008"),
        &[],
        None,
        &[(Content, "68 17 00 43")],
        true,
    ),
    (
        "EP009 上行报文解析内容出错，错误内容为:长度越界",
        Some("EP009"),
        &[],
        None,
        &[(Content, "长度越界")],
        true,
    ),
    // A known code whose text has another wording: the code is kept, no variables.
    ("EL001 设备掉线", Some("EL001"), &[], None, &[], false),
    // Unknown codes are kept verbatim; details still resolve.
    (
        "XY123 新的前置错误,异常内容{[暂时失效]}",
        Some("XY123"),
        &["暂时失效"],
        Some(2),
        &[],
        false,
    ),
    ("A99 something", Some("A99"), &[], None, &[], false),
    // Texts without a code are kept as text.
    ("连接超时", None, &[], None, &[], false),
    ("  ", None, &[], None, &[], false),
    ("", None, &[], None, &[], false),
    ("TK0130x", None, &[], None, &[], false),
];

#[test]
fn every_error_text_form() {
    for &(text, code, details, result, params, matched) in ROWS {
        let parsed = parse_error_text(text);
        assert_eq!(parsed.code.as_str(), code, "{text}");
        assert_eq!(parsed.details().collect::<Vec<_>>(), details, "{text}");
        assert_eq!(
            parsed.result_code().map(dlms_result::ResultCode::get),
            result,
            "{text}"
        );
        assert_eq!(parsed.params.iter().collect::<Vec<_>>(), params, "{text}");
        assert_eq!(parsed.template_matched, matched, "{text}");
        assert_eq!(parsed.text, text);
        if let Some(code) = code {
            assert!(matches!(parsed.code, TextCode::Fep(_) | TextCode::Other(_)));
            assert!(!parsed.message.starts_with(code));
        }
    }
}

#[test]
fn every_fep_code_is_covered_by_the_table() {
    for &code in frontend_parse::FepCode::ALL {
        assert!(
            ROWS.iter().any(|row| row.1 == Some(code.as_str()) && row.5),
            "{code} has no matched row"
        );
    }
}

#[test]
fn serialises_to_json() {
    let text = parse_error_text("ET003 通信层短时间内任务队列达到接收限值，当前队列长度120");
    assert_eq!(
        serde_json::to_string(&text).unwrap(),
        r#"{"code":"ET003","message":"通信层短时间内任务队列达到接收限值，当前队列长度120","details":[],"result_code":null,"params":{"queue_length":"120"},"template_matched":true}"#
    );
}

/// (message, template, variable)
type InterfaceRow = (
    &'static str,
    Option<InterfaceTemplate>,
    Option<(ParamName, &'static str)>,
);

const INTERFACE: &[InterfaceRow] = &[
    (
        "不支持的电表协议类型:DLT645-1997",
        Some(InterfaceTemplate::UnsupportedMeterProtocol),
        Some((Protocol, "DLT645-1997")),
    ),
    (
        "不支持的电表协议类型：99",
        Some(InterfaceTemplate::UnsupportedMeterProtocol),
        Some((Protocol, "99")),
    ),
    (
        "bizCode不能为空",
        Some(InterfaceTemplate::EmptyBizCode),
        None,
    ),
    (
        "设备列表不能为空",
        Some(InterfaceTemplate::EmptyDeviceList),
        None,
    ),
    (
        "数据项不能为空",
        Some(InterfaceTemplate::EmptyDataItems),
        None,
    ),
    (
        " 无配置信息 ",
        Some(InterfaceTemplate::NoConfiguration),
        None,
    ),
    (
        "终端1147186771在档案缓存中不存在",
        Some(InterfaceTemplate::TerminalNotInArchiveCache),
        Some((ParamName::Terminal, "1147186771")),
    ),
    (
        "终端 1147186771 在档案缓存中不存在",
        Some(InterfaceTemplate::TerminalNotInArchiveCache),
        Some((ParamName::Terminal, "1147186771")),
    ),
    (
        "电表000000000001在档案缓存中不存在",
        Some(InterfaceTemplate::MeterNotInArchiveCache),
        Some((ParamName::Meter, "000000000001")),
    ),
    (
        "2.0规范转换异常",
        Some(InterfaceTemplate::Spec20ConversionFailed),
        None,
    ),
    ("bizCode不能为空!", None, None),
    ("系统繁忙", None, None),
    ("", None, None),
];

#[test]
fn every_interface_message() {
    for &(message, template, variable) in INTERFACE {
        let found = match_interface_message(message);
        assert_eq!(found.map(|f| f.template), template, "{message}");
        let params: Vec<_> = found.map(|f| f.params.iter().collect()).unwrap_or_default();
        assert_eq!(
            params,
            variable.into_iter().collect::<Vec<_>>(),
            "{message}"
        );
    }
    for &template in InterfaceTemplate::ALL {
        assert!(
            INTERFACE.iter().any(|row| row.1 == Some(template)),
            "{template}"
        );
    }
}
