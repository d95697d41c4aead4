"""Every sentence of the kiosk and its printed ticket (zh-CN), in one place."""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    "title": "自助取号机",
    # start screen
    "start.prompt": "请选择您要办理的业务",
    "start.loading": "正在加载业务…",
    "start.no_services": "本大厅暂未开放取号业务，请咨询工作人员。",
    "service.waiting": "等候 {count} 人",
    "service.wait": "{wait}",
    "service.closed_until": "已停止取号 · {when} 开始",
    "service.not_yet": "未到取号时间 · {when} 开始",
    "service.closed_today": "今日取号已结束",
    "service.closed": "已停止取号",
    "service.full": "今日号已取完 · 请明日再来",
    "service.disabled": "已停止取号 · 业务暂停办理",
    "service.unreachable": "暂时不能取号",
    "green.entry": "♿ 绿色通道",
    "green.who": "老年人、残疾人、孕妇、军人等优先办理",
    "green.title": "♿ 绿色通道 · 请选择业务",
    "green.back": "返回",
    "green.mark": "♿ 绿色通道",
    "half.am": "上午",
    "half.pm": "下午",
    # issuing
    "issue.busy": "正在取号，请稍候…",
    "issue.failed": "未能取号：{detail}",
    "issue.unreachable": "暂时无法连接服务器，未能取号。请稍后再试或咨询工作人员。",
    # confirmation
    "confirm.heading": "取号成功",
    "confirm.number": "您的号码",
    "confirm.service": "办理业务：{service}",
    "confirm.ahead": "前面还有 {ahead} 人等候",
    "confirm.wait": "预计等候：{wait}",
    "confirm.issued": "取号时间：{time}",
    "confirm.printing": "正在打印号票…",
    "confirm.take": "请取走号票，留意叫号。",
    "confirm.scan": "扫码查看排队进度",
    "confirm.done": "完成",
    "confirm.returning": "{seconds} 秒后返回首页",
    # printer faults
    "fault.heading": "号票打印失败 · 您的号码已有效",
    "fault.offline": "打印机未连接，请凭屏幕上的号码等候叫号，或扫码保存。",
    "fault.paper_out": "打印机缺纸，请凭屏幕上的号码等候叫号，或扫码保存。",
    "fault.cover_open": "打印机盖未关好，请凭屏幕上的号码等候叫号，或扫码保存。",
    "fault.error": "打印机故障，请凭屏幕上的号码等候叫号，或扫码保存。",
    "fault.none": "本机不打印号票，请凭屏幕上的号码等候叫号，或扫码保存。",
    "fault.reprint": "重新打印",
    "fault.reprinting": "正在重新打印…",
    "fault.reprinted": "已重新打印，请取走号票。",
    "fault.photo": "请用手机拍下本页或扫码保存",
    # idle
    "idle.touch": "请触摸屏幕取号",
    "idle.hint": "自助取号 · 打印号票 · 扫码查看进度",
    # server / device
    "device.not_kiosk": "该令牌属于“{kind}”设备，不是自助取号机。请使用取号机的设备令牌。",
    "device.loading": "正在连接服务器…",
    # printer states (reported to the server, shown to installers)
    "printer.ok": "打印机正常",
    "printer.paper_low": "打印纸即将用完",
    "printer.paper_out": "打印机缺纸",
    "printer.cover_open": "打印机盖未关好",
    "printer.offline": "打印机未连接",
    "printer.error": "打印机故障",
    "printer.none": "未配置打印机",
    "printer.unknown": "打印机状态未知（打印机不回复状态查询）",
    "printer.bad_spec": "打印机设置“{spec}”无效：{detail}。可用 tcp://主机:9100、usb:VID:PID、serial:/dev/ttyUSB0、file:路径 或 none。",
    "printer.missing_library": "使用 {kind} 打印机需要安装 {package}。",
    # the printed ticket
    "ticket.service": "业务：{service}",
    "ticket.ahead": "前面等候：{ahead} 人",
    "ticket.wait": "预计等候：{wait}",
    "ticket.issued": "取号时间：{time}",
    "ticket.scan": "扫码查看排队进度",
    "ticket.notice": "过号请重新取号，请留意叫号。",  # the hall does not requeue no-shows
    "ticket.notice.requeue": "过号请到窗口说明，可重新排队；请留意叫号。",
    "test.address": "二维码地址：{url}",
    "test.loopback": "注意：二维码地址 {url} 是本机地址，手机扫码打不开。请在服务器上设置 GOVQUEUE_PUBLIC_BASE_URL（大厅网络中手机能访问的地址），或用 --server 指定该地址。",
    "ticket.green": "【绿色通道】",
    # test print
    "test.hall": "测试大厅",
    "test.service": "打印测试",
    "test.sent": "测试号票已发送到打印机 {printer}（{paper} 毫米纸）。",
    "test.failed": "测试打印失败：{detail}",
    "test.none": "未配置打印机（--printer none），无法测试打印。请设置 --printer 或 GOVQUEUE_PRINTER。",
}


def text(key: str, **values: object) -> str:
    return ZH_CN[key].format(**values)
