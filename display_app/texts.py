"""The hall display's sentences (zh-CN), in one place. Shared ones are in app_shell/texts.py."""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    "title": "大厅显示屏",
    "title.window": "窗口屏",
    "title.hall": "综合屏",
    # the hall screen
    "call.please": "请",
    "call.number": "{number}",
    "call.to_window": "到 {window} 号窗口",
    "call.arrow": "→ {window}号窗口",
    "call.recall": "重呼",
    "call.rejoined": "重排",
    "call.none": "欢迎光临",
    "call.none_hint": "请取号后留意叫号",
    "recent.title": "已叫号",
    "recent.row_window": "{window}号窗口",
    "recent.row_appointment": "{window}号窗口 · 预约",
    "call.appointment": "预约 {slot}",
    "counts.title": "等候人数",
    "counts.value": "{count} 人",
    # the window screen
    "window.name": "{window}号窗口",
    "window.services": "办理业务：{services}",
    "window.no_services": "办理业务：未设置",
    "window.staff_no": "工号 {staff_no}",
    "window.photo": "照片",
    "window.no_staff": "暂无工作人员",
    "window.calling": "{number}",
    "window.calling_hint": "请到本窗口办理",
    "window.serving": "{number}",
    "window.serving_hint": "正在办理",
    "window.waiting": "请稍候",
    "window.waiting_hint": "等候叫号",
    "window.paused": "暂停服务",
    "window.paused_reason": "原因：{reason}",
    "window.paused_no_reason": "请稍候，马上回来",
    "window.closed": "已下班",
    "window.closed_hint": "请到其他窗口办理",
    "window.unknown": "本大厅没有 {window} 号窗口，请检查显示屏设置（--window）。",
    # start-up and problems
    "device.loading": "正在连接服务器…",
    "device.ready": "大厅显示屏已显示 {hall}（{mode}）。",
    "device.not_display": "此设备令牌属于“{kind}”，不是显示屏：请在管理后台为本屏登记一个显示屏设备。",
    "voice.off": "语音播报已关闭",
    "voice.no_device": "本机没有声音设备，叫号只显示、不播报。",
    "voice.sample_written": "示例叫号已写入 {path}（{seconds:.1f} 秒，{engine}）。",
    "voice.sample_played": "已播放示例叫号：{sentence}（{engine}）。",
    "voice.sample_silent": "本机没有可用的声音设备，无法播放：可用 --to 文件.wav 写出声音文件检查。",
    "voice.pack_missing": "找不到语音包文件夹 {path}：请检查 --voice-pack，或用 --make-voice-pack 生成。",
    "voice.pack_incomplete": "语音包 {path} 缺少 {count} 个录音（{names}），这些叫号改用 espeak-ng 合成。",
    "voice.pack_made": "已生成语音包 {path}（{count} 个录音）。可用本大厅录制的声音替换其中的文件。",
}


def text(key: str, **values: object) -> str:
    return ZH_CN[key].format(**values)
