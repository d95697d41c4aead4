"""The hall display's widgets: the hall screen (综合屏) and the window screen (窗口屏)."""
