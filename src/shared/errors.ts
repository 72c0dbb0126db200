/**
 * The one error catalogue: a stable code, its HTTP status, and what a person reads in Chinese and English.
 * The server's error handler and the web client's interceptor both read it.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '提交的内容不符合要求，请检查标红的项目', en: 'The request is not valid' },
  ID_NUMBER_INVALID: { status: 400, zh: '身份证号码不正确（校验位或出生日期有误）', en: 'The ID number is not valid' },
  CREDIT_CODE_INVALID: { status: 400, zh: '统一社会信用代码不正确（校验位有误）', en: 'The unified social credit code is not valid' },
  PHONE_INVALID: { status: 400, zh: '手机号码格式不正确', en: 'The phone number is not valid' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, zh: '缺少 Idempotency-Key 请求头，无法防止重复提交', en: 'Idempotency-Key header is required' },
  REASON_REQUIRED: { status: 400, zh: '此操作必须填写原因', en: 'This action needs a reason' },
  DISPATCH_TARGET_REQUIRED: { status: 400, zh: '分流必须指定主办单位', en: 'Dispatch needs a lead unit' },
  OUTCOME_REQUIRED: { status: 400, zh: '办结必须选择办理结果并填写说明', en: 'Concluding needs an outcome' },
  SATISFACTION_REQUIRED: { status: 400, zh: '回访必须选择满意度', en: 'Follow-up needs a satisfaction rating' },
  UNIT_NOT_FOUND: { status: 400, zh: '所选单位不存在', en: 'Unit not found' },
  UNIT_OUTSIDE_JURISDICTION: { status: 403, zh: '该地点不在您的管辖范围内，请转办给属地单位', en: 'The place is outside your jurisdiction' },
  HANDLER_NOT_IN_UNIT: { status: 400, zh: '所选承办人不属于主办单位', en: 'The handler does not belong to the lead unit' },
  ATTACHMENT_TYPE_NOT_ALLOWED: { status: 415, zh: '不支持该文件类型', en: 'This file type is not allowed' },
  ATTACHMENT_TOO_LARGE: { status: 413, zh: '文件超过大小限制', en: 'The file is too large' },
  CALENDAR_DATE_INVALID: { status: 400, zh: '日期格式不正确，应为 YYYY-MM-DD 且为真实日期', en: 'Not a valid YYYY-MM-DD date' },
  CALENDAR_DATE_OUTSIDE_YEAR: { status: 400, zh: '日期不属于所编辑的年份', en: 'A date does not belong to the year being edited' },
  CALENDAR_DATE_DUPLICATED: { status: 400, zh: '同一日期不能重复出现，也不能既是节假日又是调休工作日', en: 'A date appears twice, or as both holiday and working day' },
  CALENDAR_IMPORT_INVALID: { status: 400, zh: '导入文件格式不正确：应为 JSON（{"years":[…]}）或 CSV（date,kind,name）', en: 'The import file is neither the JSON nor the CSV format' },
  CALENDAR_YEAR_NOT_FOUND: { status: 404, zh: '该年度的节假日安排尚未载入', en: 'No schedule is loaded for that year' },
  TIME_LIMIT_NOT_FOUND: { status: 404, zh: '该时限规则不存在', en: 'Time limit not found' },
  DEADLINE_EXTENSION_TOO_LONG: { status: 422, zh: '延期天数超过法定上限（如信访事项最多延长30日）', en: 'The extension exceeds the legal maximum' },
  EXTENSION_NOT_ALLOWED: { status: 422, zh: '该环节的时限不允许延期', en: 'This time limit cannot be extended' },
  EXTENSION_ALREADY_PENDING: { status: 409, zh: '已有一项延期申请在等待审批', en: 'An extension request is already pending' },
  EXTENSION_NOT_PENDING: { status: 409, zh: '没有待审批的延期申请', en: 'No extension request is pending' },
  EXTENSION_NOTICE_REQUIRED: { status: 400, zh: '批准延期须记录告知当事人延期理由的情况', en: 'Approving needs a record of how the resident was told' },
  EXTENSION_DECIDER_FORBIDDEN: { status: 403, zh: '延期须由承办单位负责人或区领导审批', en: 'Only the unit head or a district leader may decide an extension' },
  EXTENSION_DAYS_REQUIRED: { status: 400, zh: '请填写延期天数', en: 'Give the number of days' },
  URGE_REPLY_BY_INVALID: { status: 400, zh: '督办须填写不早于今天的回复期限', en: 'The reply-by date must be today or later' },
  URGE_NOT_OPEN: { status: 409, zh: '该案件没有待回复的督办', en: 'No urge is waiting for an answer' },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Please sign in' },
  AUTH_INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong user name or password' },
  AUTH_RATE_LIMITED: { status: 429, zh: '登录尝试过于频繁，请稍后再试', en: 'Too many sign-in attempts, try again later' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests' },
  FORBIDDEN: { status: 403, zh: '您没有权限执行此操作', en: 'You are not allowed to do this' },
  CASE_NOT_FOUND: { status: 404, zh: '案件不存在或不在您的管辖范围内', en: 'Case not found' },
  ATTACHMENT_NOT_FOUND: { status: 404, zh: '附件不存在', en: 'Attachment not found' },
  TRACKING_TOKEN_NOT_FOUND: { status: 404, zh: '查询码无效，请核对回执上的查询码', en: 'Tracking code not found' },
  CASE_ACTION_FORBIDDEN: { status: 403, zh: '您的角色或管辖范围不允许对该案件执行此操作', en: 'Your role or jurisdiction does not allow this action' },
  CASE_TRANSITION_NOT_ALLOWED: { status: 409, zh: '案件当前状态不允许此操作', en: 'The case’s current status does not allow this action' },
  CASE_VERSION_CONFLICT: { status: 409, zh: '案件已被他人更新，请刷新后重试', en: 'Someone else changed the case; reload and try again' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, zh: '该 Idempotency-Key 已用于内容不同的提交', en: 'The Idempotency-Key was used for a different request' },
  API_KEY_INVALID: { status: 401, zh: '接口密钥无效或已停用', en: 'The API key is not valid or was revoked' },
  API_CHANNEL_NOT_ALLOWED: { status: 403, zh: '该接口密钥无权以此渠道报送案件', en: 'This API key may not file under that channel' },
  API_CLIENT_NOT_FOUND: { status: 404, zh: '接入系统不存在', en: 'API client not found' },
  EXTERNAL_REF_CONFLICT: { status: 409, zh: '该外部编号已用于内容不同的案件，请核对编号', en: 'The external reference was used for a different case' },
  SIGNATURE_INVALID: { status: 401, zh: '请求签名无效或已过期', en: 'The request signature is not valid or too old' },
  CAMERA_NOT_FOUND: { status: 404, zh: '监控点位不存在', en: 'Camera point not found' },
  CAMERA_CODE_TAKEN: { status: 409, zh: '该点位编号已存在', en: 'A camera point with this code exists' },
  UNIT_NOT_A_GRID: { status: 400, zh: '所选单位不是网格', en: 'The unit is not a grid' },
  VERIFICATION_CODE_INVALID: { status: 400, zh: '验证码错误或已过期，请重新获取', en: 'The code is wrong or expired' },
  VERIFICATION_TOO_FREQUENT: { status: 429, zh: '该手机号获取验证码过于频繁，请稍后再试', en: 'Too many codes for this phone; try later' },
  SMS_SEND_FAILED: { status: 503, zh: '短信发送失败，请稍后重试或到中心窗口办理', en: 'The text message could not be sent' },
  PORTAL_TICKET_INVALID: { status: 401, zh: '手机验证已失效，请重新验证手机号', en: 'Phone verification expired; verify again' },
  PORTAL_DAILY_LIMIT: { status: 429, zh: '该手机号今日提交次数已达上限，如有急事请拨打热线或到中心窗口', en: 'Daily submissions for this phone reached' },
  SUBMISSION_REJECTED: { status: 400, zh: '提交未被接受，请刷新页面后重新填写', en: 'The submission was not accepted' },
  PHOTO_LIMIT_REACHED: { status: 400, zh: '照片数量已达上限', en: 'No more photos may be added' },
  RATING_NOT_OPEN: { status: 409, zh: '事项尚未办结，暂不能评价；如已评价则不能重复评价', en: 'The case cannot be rated now' },
  PACKAGE_NOT_FOUND: { status: 404, zh: '一揽子化解包不存在或不在您的管辖范围内', en: 'Package not found' },
  CASE_IN_OTHER_PACKAGE: { status: 409, zh: '案件已在另一个未办结的化解包中', en: 'The case is already in another open package' },
  PACKAGE_CLOSED: { status: 409, zh: '该化解包已办结，不能再修改', en: 'The package is concluded' },
  PACKAGE_MEMBER_NOT_FOUND: { status: 404, zh: '该案件不在此化解包中', en: 'The case is not in this package' },
  NOT_FOUND: { status: 404, zh: '请求的地址不存在', en: 'Not found' },
  INTERNAL_ERROR: { status: 500, zh: '服务器内部错误，请稍后重试；如持续出现请联系管理员', en: 'Internal error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}
